import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiPublicationMetrics, apiReadNow } from "../services/api-analytics.server";
import { methodNotAllowed, withApi } from "../services/api.server";

/** GET /api/v1/publications/{id}/metrics — one publication's readings. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return await withApi(context.app, request, { action: "plan.read", write: false }, (caller) => apiPublicationMetrics(context.app, caller.lang, params.id ?? ""));
}

/** POST /api/v1/publications/{id}/metrics — reads the post's figures now. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(request, "GET, POST");
  return await withApi(context.app, request, { action: "publication.manage", write: true }, (caller) => apiReadNow(context.app, caller.lang, params.id ?? ""));
}
