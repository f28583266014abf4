import type { ActionFunctionArgs } from "@remix-run/node";
import { translator } from "../i18n";
import { suggestTags } from "../services/questions.server";
import { currentUser, requestLanguage } from "../services/session.server";

/** RFC 9457 problem details, in the caller's language. */
function problem(status: number, title: string, detail?: string, extra: Record<string, unknown> = {}): Response {
  return new Response(JSON.stringify({ type: "about:blank", title, status, ...(detail ? { detail } : {}), ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json; charset=utf-8" },
  });
}

/**
 * POST /api/v1/tags/suggest {"text", "lang"} → the three best questions with their scores and matched
 * words, and whether the best one is confident. For a signed-in user (the session cookie).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = context.app;
  const user = await currentUser(ctx, request);
  const lang = await requestLanguage(ctx, request, user);
  const t = translator(lang);
  if (request.method !== "POST") return problem(405, t("api.error.method"));
  if (!user) return problem(401, t("api.error.unauthenticated"));
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) return problem(415, t("api.error.json"));
  const raw = await request.text();
  if (raw.length > 100_000) return problem(413, t("api.error.tooLarge"));
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return problem(400, t("api.error.json"));
  }
  const result = await suggestTags(ctx, body);
  if (!result.ok) {
    return problem(422, t("api.error.invalid"), undefined, {
      errors: Object.entries(result.errors).map(([field, e]) => ({ field, detail: e ? t(e.key, e.params) : "" })),
    });
  }
  const { suggestions, confident } = result.result;
  return new Response(JSON.stringify({ lang: result.result.lang, confident, suggestions }), { headers: { "Content-Type": "application/json; charset=utf-8" } });
}

export function loader() {
  return new Response(JSON.stringify({ type: "about:blank", title: "Method Not Allowed", status: 405 }), {
    status: 405,
    headers: { "Content-Type": "application/problem+json; charset=utf-8", Allow: "POST" },
  });
}
