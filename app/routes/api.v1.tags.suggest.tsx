import type { ActionFunctionArgs } from "@remix-run/node";
import { apiJson, invalid, methodNotAllowed, withJsonApi } from "../services/api.server";
import { suggestTags } from "../services/questions.server";

/**
 * POST /api/v1/tags/suggest {"text", "lang"} → the three best questions with their scores and
 * matched words, and whether the best one is confident.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(request, "POST");
  return await withJsonApi(context.app, request, { action: "plan.read", write: false }, async (caller, body) => {
    const result = await suggestTags(context.app, body);
    if (!result.ok) return invalid(caller.lang, result.errors);
    const { lang, confident, suggestions } = result.result;
    return apiJson({ lang, confident, suggestions });
  });
}

export function loader({ request }: { request: Request }) {
  return methodNotAllowed(request, "POST");
}
