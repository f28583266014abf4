import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiItemPublications } from "../services/api-items.server";
import { withApi } from "../services/api.server";

/** GET /api/v1/items/:id/publications — each channel's publication: state, times, link, error. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return await withApi(context.app, request, { action: "plan.read", write: false }, (caller) => apiItemPublications(context.app, caller, params.id ?? ""));
}
