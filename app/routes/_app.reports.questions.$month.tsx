import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { BRUSSELS_ZONE, brusselsMonthRange, shiftMonth } from "../domain/time/brussels";
import { localeOf } from "../i18n";
import { useLang, useT } from "../i18n/react";
import { monthQuestionCoverage } from "../services/questions.server";
import { requirePermission } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "plan.read");
  const month = params.month ?? "";
  const rows = brusselsMonthRange(month) ? await monthQuestionCoverage(context.app, month) : null;
  if (!rows) throw new Response("Not Found", { status: 404 });
  return { month, rows, previous: shiftMonth(month, -1), next: shiftMonth(month, 1) };
}

const percent = (share: number, locale: string) => share.toLocaleString(locale, { style: "percent", maximumFractionDigits: 1 });

/** Which citizen questions the month's plan answers, and which high-volume ones it misses: a table and a bar chart. */
export default function QuestionCoveragePage() {
  const { month, rows, previous, next } = useLoaderData<typeof loader>();
  const t = useT();
  const lang = useLang();
  const locale = localeOf(lang);
  const title = DateTime.fromISO(`${month}-01`, { zone: BRUSSELS_ZONE }).setLocale(locale).toFormat("LLLL yyyy");
  const label = (r: (typeof rows)[number]) => (lang === "nl" ? r.labelNl : r.labelFr);
  const covered = rows.filter((r) => r.planned.fr + r.planned.nl > 0).length;
  const flagged = rows.filter((r) => r.flagged).length;
  const scale = Math.max(0.0001, ...rows.map((r) => Math.max(r.volumeShare, r.postShare)));
  return (
    <div className="question-coverage-page">
      <h1>
        {t("coverage.q.title")} — {title}
      </h1>
      <p className="hint">{t("coverage.q.intro")}</p>
      <p>
        <Link to={`/reports/questions/${previous}`} rel="prev">
          ← {t("coverage.q.prev")}
        </Link>{" "}
        ·{" "}
        <Link to={`/reports/questions/${next}`} rel="next">
          {t("coverage.q.next")} →
        </Link>{" "}
        · <a href={`/reports/questions/${month}/export`}>{t("coverage.q.csv")}</a> ·{" "}
        <a href={`/reports/questions/${month}/export?sep=semicolon`}>{t("questions.export.csvSemicolon")}</a>
      </p>
      <p role="status" data-testid="coverage-summary">
        {t("coverage.q.summary", { covered, total: rows.length, flagged })}
      </p>

      <section className="card" aria-labelledby="chart-title">
        <h2 id="chart-title">{t("coverage.q.chart")}</h2>
        <p className="chart-legend" aria-hidden="true">
          <span className="bar-key volume" /> {t("coverage.q.legend.volume")} <span className="bar-key posts" /> {t("coverage.q.legend.posts")}
        </p>
        <ul className="bar-chart">
          {rows.map((r) => (
            <li key={r.id} className={r.flagged ? "flagged" : undefined}>
              <span className="bar-label" lang={lang === "nl" ? "nl" : "fr"}>
                {label(r)}
                {r.flagged ? <strong className="flag"> ⚑ {t("coverage.q.flagged")}</strong> : null}
              </span>
              <span className="bars" role="img" aria-label={t("coverage.q.bar", { label: label(r), volume: percent(r.volumeShare, locale), posts: percent(r.postShare, locale) })}>
                <span className="bar volume" style={{ width: `${(r.volumeShare / scale) * 100}%` }} />
                <span className="bar posts" style={{ width: `${(r.postShare / scale) * 100}%` }} />
              </span>
            </li>
          ))}
        </ul>
      </section>

      <table className="work-table" data-testid="question-coverage">
        <thead>
          <tr>
            <th scope="col">{t("coverage.q.col.question")}</th>
            <th scope="col">{t("coverage.q.col.volume")}</th>
            <th scope="col">{t("coverage.q.col.volumeShare")}</th>
            <th scope="col">{t("coverage.q.col.planned")}</th>
            <th scope="col">{t("coverage.q.col.published")}</th>
            <th scope="col">{t("coverage.q.col.postShare")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={r.flagged ? "late" : undefined}>
              <th scope="row">
                {label(r)} <code>{r.slug}</code>
                {r.flagged ? <strong className="flag"> ⚑ {t("coverage.q.flagged")}</strong> : null}
              </th>
              <td>{r.volume.toLocaleString(locale)}</td>
              <td>{percent(r.volumeShare, locale)}</td>
              <td>
                {r.planned.fr} / {r.planned.nl}
              </td>
              <td>
                {r.published.fr} / {r.published.nl}
              </td>
              <td>{percent(r.postShare, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
