import type { ActionFunctionArgs } from "@remix-run/node";
import { apiSetVisuals } from "../services/api-media.server";
import { methodNotAllowed, withJsonApi } from "../services/api.server";

/** PUT /api/v1/items/:id/visuals/:language {version, visuals: [{hash, alt, sameInBothLanguages, containsText}]} */
export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "PUT") return methodNotAllowed(request, "PUT");
  return await withJsonApi(context.app, request, { action: "plan.read", write: true }, (caller, body) => apiSetVisuals(context.app, caller, params.id ?? "", params.language ?? "", body));
}

export function loader({ request }: { request: Request }) {
  return methodNotAllowed(request, "PUT");
}
