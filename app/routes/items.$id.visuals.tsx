import { json, type ActionFunctionArgs } from "@remix-run/node";
import { translator } from "../i18n";
import { requestLanguage, requireUser } from "../services/session.server";
import { readForm } from "../services/validation.server";
import { setVisuals, visualsRefusal } from "../services/visuals.server";

/**
 * POST /items/:id/visuals — one language version's visuals, in order: `hash` and `alt` repeated,
 * `same` and `containsText` naming the positions checked. Answers {ok} or the refusal in the
 * user's language.
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = context.app;
  const user = await requireUser(ctx, request);
  const t = translator(await requestLanguage(ctx, request, user));
  const form = await readForm(request);
  const text = (v: FormDataEntryValue) => (typeof v === "string" ? v : "");
  const hashes = form.getAll("hash").map(text);
  const alts = form.getAll("alt").map(text);
  const same = new Set(form.getAll("same").map(text));
  const withText = new Set(form.getAll("containsText").map(text));
  const language = text(form.get("language") ?? "");
  const result = await setVisuals(ctx, user, params.id ?? "", language, {
    version: text(form.get("version") ?? ""),
    visuals: hashes.map((hash, i) => ({ hash, alt: alts[i] ?? "", sameInBothLanguages: same.has(String(i)), containsText: withText.has(String(i)) })),
  });
  if (result.ok) return json({ ok: true as const });
  const refusal = visualsRefusal(t, result, 400);
  return json({ ok: false as const, error: refusal.text }, { status: refusal.status });
}
