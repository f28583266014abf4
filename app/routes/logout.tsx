import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { signOut } from "../services/auth.server";
import { clearSessionCookie, currentUser, sessionToken } from "../services/session.server";

export function loader() {
  throw redirect("/plan");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = context.app;
  const token = await sessionToken(ctx, request);
  if (token) await signOut(ctx, token, (await currentUser(ctx, request)) ?? undefined);
  throw redirect("/login?signedOut=1", { headers: { "Set-Cookie": await clearSessionCookie(ctx) } });
}
