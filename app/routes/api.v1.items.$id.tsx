import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiGetItem, apiSaveItem } from "../services/api-items.server";
import { methodNotAllowed, withApi, withJsonApi } from "../services/api.server";

/** GET /api/v1/items/:id */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return await withApi(context.app, request, { action: "plan.read", write: false }, (caller) => apiGetItem(context.app, caller, params.id ?? ""));
}

/** PATCH /api/v1/items/:id with the `version` read: 409 if someone changed it meanwhile. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "PATCH") return methodNotAllowed(request, "GET, PATCH");
  return await withJsonApi(context.app, request, { action: "item.write", write: true }, (caller, body) => apiSaveItem(context.app, caller, params.id ?? "", body));
}
