import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { safeRedirectTarget } from "../services/session.server";
import { startSignIn } from "../services/sso.server";

/** "Sign in with …": off to the identity provider, with PKCE, state and nonce remembered in a cookie. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo"));
  const started = await startSignIn(context.app, redirectTo);
  if (!started.ok) throw redirect(`/login?sso=${encodeURIComponent(started.key)}`);
  throw redirect(started.url, { headers: { "Set-Cookie": started.cookie, "Cache-Control": "no-store" } });
}
