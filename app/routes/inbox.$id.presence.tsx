import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { someoneReplying } from "../services/inbox.server";
import { requirePermission } from "../services/session.server";

/** GET /inbox/:id/presence — who else is writing an answer to this conversation now (the page asks every 15 s). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "inbox.read");
  return json({ replying: await someoneReplying(context.app, user, params.id ?? "") }, { headers: { "Cache-Control": "no-store" } });
}
