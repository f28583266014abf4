import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { commitSessionCookie, requestLanguage, safeRedirectTarget } from "../services/session.server";
import { clearSignInCookie, finishSignIn } from "../services/sso.server";

/** The identity provider sends the browser back here: a fresh session, or the sign-in page saying why not. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = context.app;
  const result = await finishSignIn(ctx, request, await requestLanguage(ctx, request, null));
  const headers = new Headers({ "Cache-Control": "no-store" });
  headers.append("Set-Cookie", await clearSignInCookie(ctx));
  if (!result.ok) throw redirect(`/login?sso=${encodeURIComponent(result.key)}`, { headers });
  headers.append("Set-Cookie", await commitSessionCookie(ctx, result.sessionToken, result.expiresAt));
  throw redirect(safeRedirectTarget(result.redirectTo), { headers });
}
