import { readForm } from "../services/validation.server";
import { isSsoRefusal } from "../domain/sso-roles";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { UI_LANGUAGES } from "../i18n";
import { useLang, useT } from "../i18n/react";
import { signIn } from "../services/auth.server";
import { commitSessionCookie, currentUser, safeRedirectTarget } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

const signInSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
  redirectTo: z.string().max(2048).optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await currentUser(context.app, request);
  if (user) throw redirect(safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo")));
  const { oidc, passwordSignIn, demo } = context.app.config;
  return { demo: demo && passwordSignIn, sso: oidc ? { name: oidc.name } : null, passwordSignIn };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = context.app;
  if (!ctx.config.passwordSignIn) return json({ failed: true as const, passwordOff: true as const }, { status: 403 });
  const parsed = signInSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return { failed: true as const };
  const result = await signIn(ctx, parsed.data);
  if (!result.ok) return result.retryAfterMinutes ? json({ failed: true as const, throttled: result.retryAfterMinutes }, { status: 429 }) : { failed: true as const };
  throw redirect(safeRedirectTarget(parsed.data.redirectTo), {
    headers: { "Set-Cookie": await commitSessionCookie(ctx, result.sessionToken, result.expiresAt) },
  });
}

export default function Login() {
  const t = useT();
  const lang = useLang();
  const { demo, sso, passwordSignIn } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const ssoMessage = params.get("sso");
  const busy = useNavigation().state === "submitting";
  return (
    <main id="main" className="login-page">
      <div className="login-card">
        <p className="brand-name">{t("app.name")}</p>
        <h1>{t("login.title")}</h1>
        {params.get("signedOut") ? <p role="status">{t("login.signedOut")}</p> : null}
        {isSsoRefusal(ssoMessage) ? (
          <p role="alert" className="form-error">
            {t(ssoMessage)}
          </p>
        ) : null}
        {actionData?.failed ? (
          <p role="alert" className="form-error" id="login-error">
            {"passwordOff" in actionData
              ? t("login.passwordOff")
              : "throttled" in actionData && actionData.throttled
                ? t("login.throttled", { minutes: actionData.throttled })
                : t("login.failed")}
          </p>
        ) : null}
        {sso ? (
          <p>
            <a className="button sso-button" href={`/login/sso${params.get("redirectTo") ? `?redirectTo=${encodeURIComponent(params.get("redirectTo") ?? "")}` : ""}`}>
              {t("login.sso", { name: sso.name ?? t("login.ssoDefaultName") })}
            </a>
          </p>
        ) : null}
        {sso && passwordSignIn ? <p className="hint">{t("login.or")}</p> : null}
        {passwordSignIn ? (
        <Form method="post" aria-describedby={actionData?.failed ? "login-error" : undefined}>
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
          <label htmlFor="email">{t("login.email")}</label>
          <input id="email" name="email" type="email" autoComplete="username" required maxLength={320} />
          <label htmlFor="password">{t("login.password")}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required maxLength={1024} />
          <button type="submit" disabled={busy}>
            {t("login.submit")}
          </button>
        </Form>
        ) : null}
        {demo ? <p className="hint">{t("login.demoHint")}</p> : null}
        <Form method="post" action="/language" className="language-switcher" reloadDocument>
          <input type="hidden" name="redirectTo" value={`/login${params.toString() ? `?${params.toString()}` : ""}`} />
          <label htmlFor="login-language">{t("lang.switcher")}</label>
          <select id="login-language" name="lang" defaultValue={lang} key={lang}>
            {UI_LANGUAGES.map((code) => (
              <option key={code} value={code} lang={code}>
                {t(`lang.${code}`)}
              </option>
            ))}
          </select>
          <button type="submit">{t("lang.switch")}</button>
        </Form>
      </div>
    </main>
  );
}
