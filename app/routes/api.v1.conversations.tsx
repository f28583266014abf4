import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiListConversations } from "../services/api-inbox.server";
import { withApi } from "../services/api.server";

/** GET /api/v1/conversations — a queue of the inbox. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return await withApi(context.app, request, { action: "inbox.read", write: false }, (caller) => apiListConversations(context.app, caller, new URL(request.url)));
}
