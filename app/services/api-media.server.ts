import { translator } from "../i18n";
import { apiJson, problem, type ApiCaller } from "./api.server";
import type { AppContext } from "./context.server";
import { ingestUploadRequest } from "./media.server";
import { setVisuals, visualsRefusal } from "./visuals.server";

/** POST /api/v1/media — one file as the request's body (name in `X-File-Name`), streamed into the media library. */
export async function apiUploadMedia(ctx: AppContext, caller: ApiCaller, request: Request): Promise<Response> {
  const result = await ingestUploadRequest(ctx, caller.user, request);
  if (!result.ok) return problem(caller.lang, result.status, result.key, { detail: translator(caller.lang)(result.key, result.params) });
  const m = result.media;
  return apiJson({ hash: m.hash, kind: m.kind, format: m.format, width: m.width, height: m.height, durationMs: m.durationMs, bytes: m.bytes, name: m.name, url: m.url, thumbUrl: m.thumbUrl }, result.duplicate ? 200 : 201);
}

/** PUT /api/v1/items/:id/visuals/:language {version, visuals} — one language version's visuals, in order. */
export async function apiSetVisuals(ctx: AppContext, caller: ApiCaller, id: string, language: string, body: unknown): Promise<Response> {
  const result = await setVisuals(ctx, caller.user, id, language, body);
  if (result.ok) return apiJson({ version: result.version });
  const refusal = visualsRefusal(translator(caller.lang), result, 422);
  return problem(caller.lang, refusal.status, refusal.status === 404 ? "api.error.notFound" : result.key, { detail: refusal.text });
}
