import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { StatusBadge } from "../components/status-badge";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { localeOf, type MessageKey } from "../i18n";
import { useLang, useT } from "../i18n/react";
import { parityReport } from "../services/parity-report.server";
import { requirePermission } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "plan.read");
  const report = await parityReport(context.app, params.month ?? "");
  if (!report) throw new Response("Not Found", { status: 404 });
  const month = DateTime.fromISO(`${report.month}-01`, { zone: BRUSSELS_ZONE });
  return { report, previous: month.minus({ months: 1 }).toFormat("yyyy-MM"), next: month.plus({ months: 1 }).toFormat("yyyy-MM") };
}

/** The month's parity report: French vs Dutch per network, one-language posts and their reasons, late translations. */
export default function ParityReportPage() {
  const { report, previous, next } = useLoaderData<typeof loader>();
  const t = useT();
  const lang = useLang();
  const title = DateTime.fromISO(`${report.month}-01`, { zone: BRUSSELS_ZONE }).setLocale(localeOf(lang)).toFormat("LLLL yyyy");
  return (
    <div className="parity-page">
      <h1>{t("parity.title", { month: title })}</h1>
      <p>
        <Link to={`/reports/parity/${previous}`} rel="prev">
          ← {t("calendar.previous")}
        </Link>{" "}
        ·{" "}
        <Link to={`/reports/parity/${next}`} rel="next">
          {t("calendar.next")} →
        </Link>
      </p>
      <section className="card" aria-labelledby="networks-title">
        <h2 id="networks-title">{t("parity.perNetwork")}</h2>
        {report.networks.length === 0 ? (
          <p className="hint">{t("parity.noPosts")}</p>
        ) : (
          <table data-testid="parity-networks">
            <thead>
              <tr>
                <th scope="col">{t("parity.network")}</th>
                <th scope="col">{t("language.fr")}</th>
                <th scope="col">{t("language.nl")}</th>
                <th scope="col">{t("parity.gap")}</th>
              </tr>
            </thead>
            <tbody>
              {report.networks.map((n) => (
                <tr key={n.network}>
                  <th scope="row">{t(`network.${n.network}` as MessageKey)}</th>
                  <td>{n.fr}</td>
                  <td>{n.nl}</td>
                  <td>{n.fr === n.nl ? "=" : n.fr > n.nl ? t("parity.moreFr", { count: n.fr - n.nl }) : t("parity.moreNl", { count: n.nl - n.fr })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="hint">{t("parity.countHint")}</p>
      </section>
      <section className="card" aria-labelledby="one-title">
        <h2 id="one-title">{t("parity.oneLanguage", { count: report.oneLanguage.length })}</h2>
        {report.oneLanguage.length === 0 ? (
          <p className="hint">{t("parity.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("work.publication")}</th>
                <th scope="col">{t("exception.language")}</th>
                <th scope="col">{t("exception.reason")}</th>
                <th scope="col">{t("parity.decision")}</th>
              </tr>
            </thead>
            <tbody>
              {report.oneLanguage.map((e) => (
                <tr key={e.itemId}>
                  <td>
                    <Link to={`/items/${e.itemId}`}>
                      {e.localDate} {e.localTime}
                    </Link>{" "}
                    <StatusBadge status={e.status} />
                  </td>
                  <td>{t(`language.${e.language}`)}</td>
                  <td>{e.reason}</td>
                  <td>
                    {e.exceptionStatus === "approved" ? t("parity.approvedBy", { requester: e.requestedBy, approver: e.decidedBy ?? "" }) : t("parity.requestedBy", { requester: e.requestedBy })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" aria-labelledby="late-title">
        <h2 id="late-title">{t("parity.late", { count: report.late.length })}</h2>
        {report.late.length === 0 ? (
          <p className="hint">{t("parity.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("work.publication")}</th>
                <th scope="col">{t("review.language")}</th>
                <th scope="col">{t("work.deadline")}</th>
                <th scope="col">{t("parity.translatedOn")}</th>
              </tr>
            </thead>
            <tbody>
              {report.late.map((l) => (
                <tr key={`${l.itemId}-${l.language}`}>
                  <td>
                    <Link to={`/items/${l.itemId}`}>{l.localDate}</Link>
                  </td>
                  <td>{t(`language.${l.language}`)}</td>
                  <td>{l.deadline}</td>
                  <td>{l.translatedOn ?? t("parity.notYet")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
