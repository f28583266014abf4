import { readForm } from "../services/validation.server";
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { setUserLanguage } from "../services/users.server";
import { currentUser, languageCookie, safeRedirectTarget } from "../services/session.server";

const schema = z.object({ lang: z.enum(["fr", "nl", "en"]), redirectTo: z.string().max(2048).optional() });

export function loader() {
  throw redirect("/plan");
}

/** Sets the interface language: in the profile of a signed-in user, and in a cookie for the sign-in page. */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = context.app;
  const form = Object.fromEntries(await readForm(request));
  const parsed = schema.safeParse(form);
  const back = safeRedirectTarget(form.redirectTo);
  if (!parsed.success) throw redirect(back);
  const user = await currentUser(ctx, request);
  if (user) await setUserLanguage(ctx, user, parsed.data.lang);
  throw redirect(back, { headers: { "Set-Cookie": await languageCookie(ctx, parsed.data.lang) } });
}
