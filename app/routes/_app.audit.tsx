import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { DateTime } from "luxon";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { localeOf } from "../i18n";
import { useLang, useT } from "../i18n/react";
import { auditPage } from "../services/audit-page.server";
import { requirePermission } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "audit.read");
  return await auditPage(context.app, new URL(request.url).searchParams);
}

/** The audit trail: who did what, when, to what, with before and after; filtered by person, item, action and period. */
export default function AuditPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const lang = useLang();
  const location = useLocation();
  const next = new URLSearchParams(location.search);
  if (data.nextBefore) next.set("before", String(data.nextBefore));
  return (
    <div className="audit-page">
      <h1>{t("audit.title")}</h1>
      <p className="hint">{t("audit.intro")}</p>
      <Form method="get" className="card audit-filters">
        <div className="field">
          <label htmlFor="audit-person">{t("audit.filter.person")}</label>
          <select id="audit-person" name="person" defaultValue={data.filters.person}>
            <option value="">{t("audit.filter.anyone")}</option>
            {data.people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-action">{t("audit.filter.action")}</label>
          <select id="audit-action" name="action" defaultValue={data.filters.action}>
            <option value="">{t("audit.filter.anything")}</option>
            {[...new Set(data.actions.map((a) => `${a.split(".")[0]}.`))].map((family) => (
              <option key={family} value={family}>
                {family}*
              </option>
            ))}
            {data.actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-item">{t("audit.filter.item")}</label>
          <input id="audit-item" name="item" defaultValue={data.filters.item} size={38} />
        </div>
        <div className="field">
          <label htmlFor="audit-from">{t("audit.filter.from")}</label>
          <input id="audit-from" name="from" type="date" defaultValue={data.filters.from} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">{t("audit.filter.to")}</label>
          <input id="audit-to" name="to" type="date" defaultValue={data.filters.to} />
        </div>
        <button type="submit">{t("audit.filter.apply")}</button> <Link to="/audit">{t("audit.filter.clear")}</Link>
      </Form>
      {data.events.length === 0 ? <p className="hint">{t("audit.none")}</p> : null}
      <table className="work-table" data-testid="audit-events">
        <thead>
          <tr>
            <th scope="col">{t("audit.col.when")}</th>
            <th scope="col">{t("audit.col.who")}</th>
            <th scope="col">{t("audit.col.action")}</th>
            <th scope="col">{t("audit.col.subject")}</th>
            <th scope="col">{t("audit.col.change")}</th>
          </tr>
        </thead>
        <tbody>
          {data.events.map((e) => (
            <tr key={e.id}>
              <td>{DateTime.fromISO(e.at, { zone: BRUSSELS_ZONE }).setLocale(localeOf(lang)).toFormat("yyyy-MM-dd HH:mm:ss")}</td>
              <td>{e.actorId ? <Link to={`/audit?person=${e.actorId}`}>{e.actor}</Link> : e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                {e.subjectType === "content_item" && e.subjectId ? (
                  <>
                    <Link to={`/items/${e.subjectId}`}>{t("audit.subject.item")}</Link> · <Link to={`/audit?item=${e.subjectId}`}>{t("audit.subject.history")}</Link>
                  </>
                ) : (
                  <span>
                    {e.subjectType}
                    {e.subjectId ? ` ${e.subjectId.slice(0, 8)}` : ""}
                  </span>
                )}
              </td>
              <td>
                {e.before || e.after ? (
                  <details>
                    <summary>{t("audit.details")}</summary>
                    {e.before ? (
                      <>
                        <p>{t("audit.before")}</p>
                        <pre>{e.before}</pre>
                      </>
                    ) : null}
                    {e.after ? (
                      <>
                        <p>{t("audit.after")}</p>
                        <pre>{e.after}</pre>
                      </>
                    ) : null}
                  </details>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.nextBefore ? (
        <p>
          <Link to={`/audit?${next.toString()}`}>{t("audit.older")} →</Link>
        </p>
      ) : null}
    </div>
  );
}
