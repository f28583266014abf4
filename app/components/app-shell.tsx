import { Form, NavLink, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { isRole } from "../domain/permissions";
import { UI_LANGUAGES } from "../i18n";
import { useLang, useT } from "../i18n/react";

export interface ShellUser {
  displayName: string;
  roles: string[];
}

/** Header, navigation, the signed-in user, the language switcher and sign-out; pages render inside. */
export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const t = useT();
  const lang = useLang();
  const location = useLocation();
  const here = location.pathname + location.search;
  const isAdmin = user.roles.includes("admin");
  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <header className="app-header">
        <div className="brand">
          <span className="brand-name">{t("app.name")}</span>
          <span className="brand-tagline">{t("app.tagline")}</span>
        </div>
        <nav aria-label={t("nav.main")} className="main-nav">
          <NavLink to="/calendar">{t("nav.calendar")}</NavLink>
          <NavLink to="/plan">{t("nav.plan")}</NavLink>
          {isAdmin ? <NavLink to="/admin/users">{t("nav.users")}</NavLink> : null}
        </nav>
        <div className="header-tools">
          <Form method="post" action="/language" className="language-switcher" reloadDocument>
            <input type="hidden" name="redirectTo" value={here} />
            <label htmlFor="ui-language">{t("lang.switcher")}</label>
            <select id="ui-language" name="lang" defaultValue={lang} key={lang}>
              {UI_LANGUAGES.map((code) => (
                <option key={code} value={code} lang={code}>
                  {t(`lang.${code}`)}
                </option>
              ))}
            </select>
            <button type="submit">{t("lang.switch")}</button>
          </Form>
          <span className="signed-in" data-testid="signed-in-user">
            {t("header.signedInAs", { name: user.displayName })}
            <span className="roles"> · {user.roles.map((r) => (isRole(r) ? t(`role.${r}`) : r)).join(", ")}</span>
          </span>
          <Form method="post" action="/logout">
            <button type="submit" className="link-button">
              {t("header.signOut")}
            </button>
          </Form>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
