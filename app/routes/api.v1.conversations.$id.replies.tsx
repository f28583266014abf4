import type { ActionFunctionArgs } from "@remix-run/node";
import { apiReplyToConversation } from "../services/api-inbox.server";
import { methodNotAllowed, withJsonApi } from "../services/api.server";

/** POST /api/v1/conversations/:id/replies {text} */
export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(request, "POST");
  return await withJsonApi(context.app, request, { action: "inbox.answer", write: true }, (caller, body) => apiReplyToConversation(context.app, caller, params.id ?? "", body));
}

export function loader({ request }: { request: Request }) {
  return methodNotAllowed(request, "POST");
}
