import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { workCounts } from "../services/review-queues.server";
import { requireUser } from "../services/session.server";

/**
 * The counts in the header ("My work (3)"), asked by the page after it is drawn, so that no page
 * waits for the queues to be computed.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  return json(await workCounts(context.app, user), { headers: { "Cache-Control": "private, no-store" } });
}
