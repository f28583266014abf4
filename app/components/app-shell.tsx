import { Form, NavLink, useFetcher, useLocation } from "@remix-run/react";
import { HoldAllButton } from "./hold-all-button";
import { useEffect, type ReactNode } from "react";
import { can, isRole } from "../domain/permissions";
import { UI_LANGUAGES } from "../i18n";
import { useLang, useT } from "../i18n/react";

export interface ShellUser {
  displayName: string;
  roles: string[];
}

/** Header, navigation, the signed-in user, the language switcher and sign-out; pages render inside. */
export interface ShellHold {
  id: string;
  scope: "all" | "channel" | "language";
  channelName: string | null;
  language: "fr" | "nl" | null;
  reason: string;
}

export function AppShell({
  user,
  holds = [],
  schedulerDown = null,
  diskLow = null,
  surge = null,
  children,
}: {
  user: ShellUser;
  holds?: ShellHold[];
  schedulerDown?: "restarting" | "down" | null;
  diskLow?: { freeMb: number } | null;
  surge?: { count: number; usual: number; canHold: boolean } | null;
  children: ReactNode;
}) {
  const t = useT();
  const lang = useLang();
  const location = useLocation();
  const here = location.pathname + location.search;
  const isAdmin = user.roles.includes("admin");
  const canAudit = can(user.roles.filter(isRole), "audit.read");
  const canInbox = can(user.roles.filter(isRole), "inbox.read");
  const hasWork = user.roles.some((r) => r === "editor" || r === "translator" || r === "approver");
  // What waits for this person, fetched after the page is drawn and again after each navigation.
  const counts = useFetcher<{ translate: number; approve: number; rejected: number }>();
  const { load } = counts;
  useEffect(() => {
    if (hasWork) load("/work/counts");
  }, [hasWork, load, location.pathname, location.search]);
  const waiting = counts.data ? counts.data.translate + counts.data.approve + counts.data.rejected : 0;
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
          {hasWork ? (
            <NavLink to="/work" aria-label={waiting > 0 ? t("nav.workCount", { count: waiting }) : undefined}>
              {t("nav.work")}
              {waiting > 0 ? (
                <span className="count-badge" aria-hidden="true" data-testid="work-count">
                  {waiting}
                </span>
              ) : null}
            </NavLink>
          ) : null}
          {canInbox ? <NavLink to="/inbox">{t("nav.inbox")}</NavLink> : null}
          <NavLink to="/publishing">{t("nav.publishing")}</NavLink>
          <NavLink to="/reports/parity">{t("nav.parity")}</NavLink>
          <NavLink to="/reports/questions">{t("nav.questionCoverage")}</NavLink>
          <NavLink to="/reports/analytics">{t("nav.analytics")}</NavLink>
          <NavLink to="/questions">{t("nav.questions")}</NavLink>
          <NavLink to="/feeds">{t("nav.feeds")}</NavLink>
          <NavLink to="/tokens">{t("nav.tokens")}</NavLink>
          {canAudit ? <NavLink to="/audit">{t("nav.audit")}</NavLink> : null}
          {canAudit ? <NavLink to="/archive">{t("nav.archive")}</NavLink> : null}
          {isAdmin ? <NavLink to="/admin/users">{t("nav.users")}</NavLink> : null}
          {isAdmin ? <NavLink to="/admin/channels">{t("nav.channels")}</NavLink> : null}
          {isAdmin ? <NavLink to="/admin/settings">{t("nav.settings")}</NavLink> : null}
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
      {holds.length > 0 ? (
        <div className="hold-banner" role="alert" data-testid="hold-banner">
          {holds.map((h) => (
            <p key={h.id}>
              ‖{" "}
              {t("publishing.banner", {
                scope: h.scope === "all" ? t("publishing.scope.all") : h.scope === "channel" ? (h.channelName ?? "") : t(`language.${h.language ?? "fr"}`),
                reason: h.reason,
              })}{" "}
              <NavLink to="/publishing">{t("nav.publishing")}</NavLink>
            </p>
          ))}
        </div>
      ) : null}
      {surge ? (
        <div className="hold-banner surge-banner" role="alert" data-testid="surge-banner">
          <p>
            {t("surge.banner", { count: surge.count, usual: surge.usual })} <NavLink to="/inbox/surge">{t("surge.see")}</NavLink>
          </p>
          {surge.canHold ? <HoldAllButton /> : null}
        </div>
      ) : null}
      {schedulerDown ? (
        // Not a live region: it is part of the page as loaded, and a page's own status messages must stay the ones announced.
        <div className="hold-banner" data-testid="scheduler-banner">
          <p>
            {t(schedulerDown === "restarting" ? "scheduler.banner.restarting" : "scheduler.banner.down")} <NavLink to="/publishing">{t("nav.publishing")}</NavLink>
          </p>
        </div>
      ) : null}
      {diskLow ? (
        <div className="hold-banner" data-testid="disk-banner">
          <p>
            {t("disk.banner.low", { freeMb: diskLow.freeMb })} <NavLink to="/publishing">{t("nav.publishing")}</NavLink>
          </p>
        </div>
      ) : null}
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
