import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { clearConnectCookie, finishConnect } from "../services/channel-oauth.server";
import { requirePermission } from "../services/session.server";

/** The network sends the admin back here: the code is exchanged and the channel connected. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "channels.manage");
  const result = await finishConnect(context.app, user, request);
  const headers = { "Set-Cookie": await clearConnectCookie(context.app) };
  if (result.ok) throw redirect(`/admin/channels?connected=${result.channelId}`, { headers });
  throw redirect(`/admin/channels?oauth=${encodeURIComponent(result.key)}${result.detail ? `&detail=${encodeURIComponent(result.detail.slice(0, 200))}` : ""}`, { headers });
}
