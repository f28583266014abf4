import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { translator } from "../i18n";
import { apiJson, problem, type ApiCaller } from "./api.server";
import type { AppContext } from "./context.server";
import { ingestMedia } from "./media.server";
import { setVisuals } from "./visuals.server";

/** POST /api/v1/media — one file as the request's body (name in `X-File-Name`), streamed into the media library. */
export async function apiUploadMedia(ctx: AppContext, caller: ApiCaller, request: Request): Promise<Response> {
  if (!request.body) return problem(caller.lang, 415, "media.error.type");
  let name = "file";
  try {
    name = decodeURIComponent(request.headers.get("x-file-name") ?? "file");
  } catch {
    // Only a name: the content decides.
  }
  const length = Number(request.headers.get("content-length") ?? "");
  const result = await ingestMedia(ctx, caller.user, { body: Readable.fromWeb(request.body as unknown as NodeReadableStream), declaredName: name, declaredLength: Number.isFinite(length) && length > 0 ? length : null });
  if (!result.ok) return problem(caller.lang, result.status, result.key, { detail: translator(caller.lang)(result.key, result.params) });
  const m = result.media;
  return apiJson({ hash: m.hash, kind: m.kind, format: m.format, width: m.width, height: m.height, bytes: m.bytes, name: m.name, url: m.url, thumbUrl: m.thumbUrl }, result.duplicate ? 200 : 201);
}

/** PUT /api/v1/items/:id/visuals/:language {version, visuals} — one language version's visuals, in order. */
export async function apiSetVisuals(ctx: AppContext, caller: ApiCaller, id: string, language: string, body: unknown): Promise<Response> {
  const result = await setVisuals(ctx, caller.user, id, language, body);
  if (result.ok) return apiJson({ version: result.version });
  const t = translator(caller.lang);
  const status = result.key === "error.forbidden.body" ? 403 : result.key === "error.notFound.body" ? 404 : result.key === "item.conflict" ? 409 : 422;
  const params = { ...result.params, ...(result.params?.language ? { language: t(`languageIn.${String(result.params.language) as "fr"}`) } : {}) };
  return problem(caller.lang, status, status === 404 ? "api.error.notFound" : result.key, { detail: t(result.key, params) });
}
