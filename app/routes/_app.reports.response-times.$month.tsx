import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { TEAM_REFERENCE_MINUTES } from "../domain/response-times";
import { BRUSSELS_ZONE, shiftMonth } from "../domain/time/brussels";
import { localeOf } from "../i18n";
import { useLang, useT } from "../i18n/react";
import { responseTimeReport } from "../services/inbox.server";
import { requirePermission } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "inbox.read");
  const month = params.month ?? "";
  const stats = await responseTimeReport(context.app, month);
  if (!stats) throw new Response("Not Found", { status: 404 });
  return { month, stats, previous: shiftMonth(month, -1), next: shiftMonth(month, 1) };
}

/** How long citizens waited for a first answer: a chart against the team's 2.5-hour reference, its table, and a CSV. */
export default function ResponseTimesPage() {
  const { month, stats, previous, next } = useLoaderData<typeof loader>();
  const t = useT();
  const lang = useLang();
  const locale = localeOf(lang);
  const title = DateTime.fromISO(`${month}-01`, { zone: BRUSSELS_ZONE }).setLocale(locale).toFormat("LLLL yyyy");
  const hours = (minutes: number | null) => (minutes === null ? "—" : (minutes / 60).toLocaleString(locale, { maximumFractionDigits: 1 }));
  const percent = (share: number | null) => (share === null ? "—" : share.toLocaleString(locale, { style: "percent", maximumFractionDigits: 1 }));
  const name = (s: (typeof stats)[number]) =>
    s.channel === null && s.language === null ? t("responses.all") : s.channel === null ? t(`language.${s.language ?? "other"}`) : `${s.channel} · ${t(`language.${s.language ?? "other"}`)}`;
  const scale = Math.max(TEAM_REFERENCE_MINUTES * 1.2, ...stats.map((s) => s.p90Minutes ?? 0));
  const all = stats[0]!;
  return (
    <div className="response-times-page">
      <h1>
        {t("responses.title")} — {title}
      </h1>
      <p className="hint">{t("responses.intro")}</p>
      <p>
        <Link to={`/reports/response-times/${previous}`} rel="prev">
          ← {t("coverage.q.prev")}
        </Link>{" "}
        ·{" "}
        <Link to={`/reports/response-times/${next}`} rel="next">
          {t("coverage.q.next")} →
        </Link>{" "}
        · <a href={`/reports/response-times/${month}/export`}>{t("coverage.q.csv")}</a> · <a href={`/reports/response-times/${month}/export?sep=semicolon`}>{t("questions.export.csvSemicolon")}</a>
      </p>
      <p role="status" data-testid="responses-summary">
        {t("responses.summary", { answered: all.answered, total: all.conversations, median: hours(all.medianMinutes), within: percent(all.withinRuleShare), reference: hours(TEAM_REFERENCE_MINUTES) })}
      </p>

      <section className="card" aria-labelledby="responses-chart-title">
        <h2 id="responses-chart-title">{t("responses.chart")}</h2>
        <p className="chart-legend" aria-hidden="true">
          <span className="bar-key volume" /> {t("responses.legend.median")} <span className="bar-key posts" /> {t("responses.legend.p90")} · {t("responses.legend.reference", { hours: hours(TEAM_REFERENCE_MINUTES) })}
        </p>
        <ul className="bar-chart response-chart" style={{ ["--reference" as string]: `${(TEAM_REFERENCE_MINUTES / scale) * 100}%` }}>
          {stats.map((s) => (
            <li key={`${s.channel ?? ""}-${s.language ?? ""}`}>
              <span className="bar-label">{name(s)}</span>
              <span className="bars" role="img" aria-label={t("responses.bar", { name: name(s), median: hours(s.medianMinutes), p90: hours(s.p90Minutes) })}>
                <span className="bar volume" style={{ width: `${((s.medianMinutes ?? 0) / scale) * 100}%` }} />
                <span className="bar posts" style={{ width: `${((s.p90Minutes ?? 0) / scale) * 100}%` }} />
              </span>
            </li>
          ))}
        </ul>
      </section>

      <table className="work-table" data-testid="response-times">
        <caption>{t("responses.table")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("responses.col.group")}</th>
            <th scope="col">{t("responses.col.conversations")}</th>
            <th scope="col">{t("responses.col.answered")}</th>
            <th scope="col">{t("responses.col.mean")}</th>
            <th scope="col">{t("responses.col.median")}</th>
            <th scope="col">{t("responses.col.p90")}</th>
            <th scope="col">{t("responses.col.within")}</th>
            <th scope="col">{t("responses.col.pending")}</th>
            <th scope="col">{t("responses.col.noAnswer")}</th>
          </tr>
        </thead>
        <tbody>
          {stats.map((s) => (
            <tr key={`${s.channel ?? ""}-${s.language ?? ""}`}>
              <th scope="row">{name(s)}</th>
              <td>{s.conversations.toLocaleString(locale)}</td>
              <td>{s.answered.toLocaleString(locale)}</td>
              <td>{hours(s.meanMinutes)}</td>
              <td>{hours(s.medianMinutes)}</td>
              <td>{hours(s.p90Minutes)}</td>
              <td>{percent(s.withinRuleShare)}</td>
              <td>{s.pending.toLocaleString(locale)}</td>
              <td>{s.noAnswerNeeded.toLocaleString(locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
