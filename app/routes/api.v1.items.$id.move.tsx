import type { ActionFunctionArgs } from "@remix-run/node";
import { apiMoveItem } from "../services/api-items.server";
import { methodNotAllowed, readJson, withApi } from "../services/api.server";

/** POST /api/v1/items/:id/move {localDate, localTime, version} */
export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(request, "POST");
  return await withApi(context.app, request, { action: "item.move", write: true }, async (caller) => {
    const body = await readJson(request, caller.lang);
    return body.ok ? await apiMoveItem(context.app, caller, params.id ?? "", body.body) : body.response;
  });
}

export function loader({ request }: { request: Request }) {
  return methodNotAllowed(request, "POST");
}
