import type { ActionFunctionArgs } from "@remix-run/node";
import { apiMoveItem } from "../services/api-items.server";
import { methodNotAllowed, withJsonApi } from "../services/api.server";

/** POST /api/v1/items/:id/move {localDate, localTime, version} */
export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(request, "POST");
  return await withJsonApi(context.app, request, { action: "item.move", write: true }, (caller, body) => apiMoveItem(context.app, caller, params.id ?? "", body));
}

export function loader({ request }: { request: Request }) {
  return methodNotAllowed(request, "POST");
}
