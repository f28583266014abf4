import { json, type ActionFunctionArgs } from "@remix-run/node";
import { translator } from "../i18n";
import { ingestUploadRequest } from "../services/media.server";
import { requestLanguage, requireUser } from "../services/session.server";

/**
 * POST /media/upload — one file as the request's body (the editor's drag-and-drop and file picker
 * send it with a progress bar), its name in `X-File-Name` (percent-encoded). Streamed, never held
 * in memory. Answers the stored file, or a refusal in the user's language.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = context.app;
  const user = await requireUser(ctx, request);
  const t = translator(await requestLanguage(ctx, request, user));
  if (request.method !== "POST") return json({ ok: false as const, error: t("media.error.type") }, { status: 405 });
  const result = await ingestUploadRequest(ctx, user, request);
  if (!result.ok) return json({ ok: false as const, error: t(result.key, result.params) }, { status: result.status });
  return json({ ok: true as const, media: result.media, duplicate: result.duplicate }, { status: result.duplicate ? 200 : 201 });
}
