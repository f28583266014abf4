import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiQuestions } from "../services/api-items.server";
import { withApi } from "../services/api.server";

/** GET /api/v1/questions — the recurring citizen questions, in the import's own form. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return await withApi(context.app, request, { action: "plan.read", write: false }, () => apiQuestions(context.app));
}
