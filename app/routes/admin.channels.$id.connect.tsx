import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { startConnect } from "../services/channel-oauth.server";
import { requirePermission } from "../services/session.server";

/** "Connect with X / LinkedIn": off to the network's consent page, with state and PKCE. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "channels.manage");
  const started = await startConnect(context.app, user, params.id ?? "");
  if (!started.ok) throw redirect(`/admin/channels?oauth=${encodeURIComponent(started.key)}`);
  throw redirect(started.url, { headers: { "Set-Cookie": started.cookie } });
}
