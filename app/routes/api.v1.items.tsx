import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiListItems, apiSaveItem } from "../services/api-items.server";
import { methodNotAllowed, withApi, withJsonApi } from "../services/api.server";

/** GET /api/v1/items?from&to[&channel][&status][&tag] — the items of a range. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return await withApi(context.app, request, { action: "plan.read", write: false }, (caller) => apiListItems(context.app, caller, new URL(request.url)));
}

/** POST /api/v1/items — a new item (a draft), with the editor's rules. */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(request, "GET, POST");
  return await withJsonApi(context.app, request, { action: "item.write", write: true }, (caller, body) => apiSaveItem(context.app, caller, null, body));
}
