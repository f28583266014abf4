import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { DateTime } from "luxon";
import { BarChart, ColumnChart } from "../components/charts";
import { MIN_POSTS_PER_CELL, MIN_POSTS_TO_COMPARE, type Totals } from "../domain/analytics-report";
import { can } from "../domain/permissions";
import { BRUSSELS_ZONE, shiftMonth } from "../domain/time/brussels";
import { localeOf, type MessageKey } from "../i18n";
import { useLang, useT } from "../i18n/react";
import { monthAnalytics, saveChannelGoals } from "../services/analytics.server";
import { readPublicationNow } from "../services/metrics.server";
import { requirePermission } from "../services/session.server";
import { readForm } from "../services/validation.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "plan.read");
  const month = params.month ?? "";
  const data = await monthAnalytics(context.app, month);
  if (!data) throw new Response("Not Found", { status: 404 });
  return { ...data, previous: shiftMonth(month, -1), next: shiftMonth(month, 1), canSetGoals: can(user.roles, "channels.manage"), canRead: can(user.roles, "publication.manage") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const month = params.month ?? "";
  const form = await readForm(request);
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const intent = text("intent");
  if (intent === "read") {
    await requirePermission(context.app, request, "publication.manage");
    const result = await readPublicationNow(context.app, text("publicationId"));
    if (!result.ok) return json({ read: result.reason, errors: null }, { status: result.reason === "not_found" ? 404 : 409 });
    throw redirect(`/reports/analytics/${month}?read=1#top-posts`);
  }
  const user = await requirePermission(context.app, request, "channels.manage");
  const ids = form.getAll("channelId").filter((id): id is string => typeof id === "string");
  const result = await saveChannelGoals(context.app, user, { month, goals: ids.map((id) => ({ channelId: id, posts: text(`posts.${id}`), engagement: text(`engagement.${id}`) })) });
  if (!result.ok) return json({ read: null, errors: result.status === 400 ? result.errors : { _form: "error.forbidden.body" } }, { status: result.status });
  throw redirect(`/reports/analytics/${month}?saved=1#goals`);
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/** What the month's posts achieved: per channel and language, French vs Dutch, top posts, per question, the best times, and the contact center. */
export default function AnalyticsPage() {
  const data = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const lang = useLang();
  const locale = localeOf(lang);
  const { report, month } = data;
  const title = DateTime.fromISO(`${month}-01`, { zone: BRUSSELS_ZONE }).setLocale(locale).toFormat("LLLL yyyy");
  const whole = (n: number) => n.toLocaleString(locale, { maximumFractionDigits: 0 });
  const decimal = (n: number) => n.toLocaleString(locale, { maximumFractionDigits: 1 });
  const pct = (n: number) => n.toLocaleString(locale, { style: "percent", maximumFractionDigits: 0, signDisplay: "exceptZero" });
  const na = t("analytics.na");
  const show = (n: number | null, format = whole) => (n === null ? na : format(n));
  const questionLabel = (id: string) => {
    const q = data.questions.find((x) => x.id === id);
    return q ? (lang === "nl" ? q.labelNl : q.labelFr) : id;
  };
  const weekday = (d: number) => DateTime.fromObject({ weekday: d as 1 | 2 | 3 | 4 | 5 | 6 | 7 }).setLocale(locale).toFormat("cccc");
  const metricRows: [MessageKey, (x: Totals) => string][] = [
    ["analytics.m.posts", (x) => whole(x.posts)],
    ["analytics.m.read", (x) => whole(x.read)],
    ["analytics.m.engagement", (x) => show(x.engagement)],
    ["analytics.m.engagementPerPost", (x) => show(x.engagementPerPost, decimal)],
    ["analytics.m.impressions", (x) => show(x.impressions)],
    ["analytics.m.views", (x) => show(x.views)],
    ["analytics.m.clicks", (x) => show(x.clicks)],
    ["analytics.m.clicksPerPost", (x) => show(x.clicksPerPost, decimal)],
  ];
  const gap = report.languageGap;
  // The questions that posts have covered at some point, each with its estimate.
  const covered = data.outcomes.filter((o) => o.did.reason !== "no_coverage");
  const verdictText = (o: (typeof data.outcomes)[number]) => {
    const d = o.did;
    if (d.verdict === "cannot_tell") return t(`analytics.did.reason.${d.reason ?? "no_coverage"}` as MessageKey, { controls: d.controls ?? 0 });
    return t(`analytics.did.${d.verdict}` as MessageKey, { effect: pct(d.effect!), low: pct(d.low!), high: pct(d.high!), first: d.firstCovered!, controls: d.controls! });
  };
  return (
    <div className="analytics-page">
      <h1>
        {t("analytics.title")} — {title}
      </h1>
      <p className="hint">{t("analytics.intro")}</p>
      <p>
        <Link to={`/reports/analytics/${data.previous}`} rel="prev">
          ← {t("coverage.q.prev")}
        </Link>{" "}
        ·{" "}
        <Link to={`/reports/analytics/${data.next}`} rel="next">
          {t("coverage.q.next")} →
        </Link>{" "}
        · <a href={`/reports/analytics/${month}/export`}>{t("coverage.q.csv")}</a> · <a href={`/reports/analytics/${month}/export?sep=semicolon`}>{t("questions.export.csvSemicolon")}</a> ·{" "}
        <a href={`/reports/analytics/${month}/export?format=xlsx`}>{t("analytics.xlsx")}</a> · <Link to={`/calendar/${month}`}>{t("analytics.toCalendar")}</Link>
      </p>
      {params.get("saved") ? (
        <p role="status" className="form-ok">
          {t("analytics.goals.saved")}
        </p>
      ) : null}
      {params.get("read") ? (
        <p role="status" className="form-ok">
          {t("analytics.readDone")}
        </p>
      ) : null}
      {failed?.read ? (
        <p role="alert" className="form-error">
          {t(`analytics.readFailed.${failed.read}` as MessageKey)}
        </p>
      ) : null}
      <p role="status" data-testid="analytics-summary">
        {t("analytics.summary", { posts: whole(report.totals.posts), read: whole(report.totals.read), engagement: show(report.totals.engagement), clicks: show(report.totals.clicks) })}
      </p>

      <section className="card" aria-labelledby="languages-title">
        <h2 id="languages-title">{t("analytics.languages")}</h2>
        <p data-testid="language-gap">
          {gap.tooFew ? t("analytics.gap.tooFew", { min: MIN_POSTS_TO_COMPARE }) : gap.ratio === null ? t("analytics.gap.none") : t("analytics.gap.ratio", { ratio: pct(gap.ratio - 1) })}
        </p>
        <table className="work-table" data-testid="languages">
          <caption>{t("analytics.languages.table")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("analytics.col.figure")}</th>
              <th scope="col" lang="fr">
                {t("lang.fr")}
              </th>
              <th scope="col" lang="nl">
                {t("lang.nl")}
              </th>
              <th scope="col">{t("analytics.both")}</th>
            </tr>
          </thead>
          <tbody>
            {metricRows.map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{t(key)}</th>
                <td>{value(report.languages.fr)}</td>
                <td>{value(report.languages.nl)}</td>
                <td>{value(report.languages.both)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <BarChart
          id="language-chart"
          caption={t("analytics.languages.chart")}
          headerLabel={t("analytics.col.figure")}
          notAvailable={na}
          format={decimal}
          series={[
            { key: "fr", label: t("lang.fr"), className: "series-a" },
            { key: "nl", label: t("lang.nl"), className: "series-b" },
          ]}
          groups={[
            { label: t("analytics.m.engagementPerPost"), values: { fr: report.languages.fr.engagementPerPost, nl: report.languages.nl.engagementPerPost } },
            { label: t("analytics.m.clicksPerPost"), values: { fr: report.languages.fr.clicksPerPost, nl: report.languages.nl.clicksPerPost } },
          ]}
        />
      </section>

      <section className="card" aria-labelledby="channels-title" id="goals">
        <h2 id="channels-title">{t("analytics.channels")}</h2>
        <BarChart
          id="channel-chart"
          caption={t("analytics.channels.chart")}
          headerLabel={t("analytics.col.channel")}
          notAvailable={na}
          format={whole}
          series={[
            { key: "posts", label: t("analytics.m.posts"), className: "series-a" },
            { key: "goal", label: t("analytics.goals.posts"), className: "series-goal" },
          ]}
          groups={report.channels.map((c) => ({ label: c.name, values: { posts: c.posts, goal: c.goalPosts } }))}
        />
        <Form method="post">
          <input type="hidden" name="intent" value="goals" />
          <table className="work-table" data-testid="channels">
            <caption>{t("analytics.channels.table")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("analytics.col.channel")}</th>
                <th scope="col">{t("analytics.m.posts")}</th>
                <th scope="col">{t("analytics.goals.posts")}</th>
                <th scope="col">{t("analytics.m.engagement")}</th>
                <th scope="col">{t("analytics.goals.engagement")}</th>
                <th scope="col">{t("analytics.m.impressions")}</th>
                <th scope="col">{t("analytics.m.clicks")}</th>
              </tr>
            </thead>
            <tbody>
              {report.channels.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    {c.name} <span className="hint">({c.network})</span>
                  </th>
                  <td>{whole(c.posts)}</td>
                  <td>
                    {data.canSetGoals ? (
                      <>
                        <input type="hidden" name="channelId" value={c.id} />
                        <input name={`posts.${c.id}`} inputMode="numeric" size={5} defaultValue={c.goalPosts ?? ""} aria-label={t("analytics.goals.postsFor", { channel: c.name })} aria-invalid={failed?.errors ? Object.keys(failed.errors).some((k) => k.endsWith(".posts")) : undefined} />
                      </>
                    ) : c.goalPosts === null ? (
                      "—"
                    ) : (
                      t("analytics.goals.progress", { actual: whole(c.posts), goal: whole(c.goalPosts) })
                    )}
                  </td>
                  <td>{show(c.engagement)}</td>
                  <td>
                    {data.canSetGoals ? (
                      <input name={`engagement.${c.id}`} inputMode="numeric" size={7} defaultValue={c.goalEngagement ?? ""} aria-label={t("analytics.goals.engagementFor", { channel: c.name })} />
                    ) : c.goalEngagement === null ? (
                      "—"
                    ) : (
                      t("analytics.goals.progress", { actual: show(c.engagement), goal: whole(c.goalEngagement) })
                    )}
                  </td>
                  <td>{show(c.impressions)}</td>
                  <td>{show(c.clicks)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {failed?.errors ? (
            <p role="alert" className="form-error">
              {t((Object.values(failed.errors)[0] ?? "goals.error.number") as MessageKey)}
            </p>
          ) : null}
          {data.canSetGoals ? <button type="submit">{t("analytics.goals.save")}</button> : null}
        </Form>
      </section>

      <section className="card" aria-labelledby="top-title" id="top-posts">
        <h2 id="top-title">{t("analytics.top")}</h2>
        {report.topPosts.length === 0 ? <p>{t("analytics.top.none")}</p> : null}
        <table className="work-table" data-testid="top-posts">
          <caption>{t("analytics.top.table")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("analytics.col.post")}</th>
              <th scope="col">{t("analytics.col.channel")}</th>
              <th scope="col">{t("analytics.col.published")}</th>
              <th scope="col">{t("analytics.m.engagement")}</th>
              <th scope="col">{t("analytics.m.clicks")}</th>
              {data.canRead ? <th scope="col">{t("analytics.col.read")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {report.topPosts.map((p) => (
              <tr key={p.publicationId}>
                <th scope="row" lang={p.language === "nl" ? "nl" : "fr"}>
                  <Link to={`/items/${p.itemId}`}>{p.text.length > 90 ? `${p.text.slice(0, 89)}…` : p.text}</Link>
                  {p.remoteUrl ? (
                    <>
                      {" "}
                      <a href={p.remoteUrl} rel="noreferrer">
                        ↗<span className="visually-hidden">{t("analytics.onNetwork")}</span>
                      </a>
                    </>
                  ) : null}
                </th>
                <td>{p.channelName}</td>
                <td>{DateTime.fromISO(p.publishedAt).setZone(BRUSSELS_ZONE).setLocale(locale).toFormat("d LLL HH:mm")}</td>
                <td>{show(p.engagement)}</td>
                <td>{show(p.clicks)}</td>
                {data.canRead ? (
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="read" />
                      <input type="hidden" name="publicationId" value={p.publicationId} />
                      <button type="submit" className="link-button">
                        {t("analytics.readNow")}
                      </button>
                    </Form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card" aria-labelledby="questions-title">
        <h2 id="questions-title">{t("analytics.questions")}</h2>
        <table className="work-table" data-testid="question-results">
          <caption>{t("analytics.questions.table")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("coverage.q.col.question")}</th>
              <th scope="col">{t("analytics.m.posts")}</th>
              <th scope="col">{t("analytics.m.engagement")}</th>
              <th scope="col">{t("analytics.m.engagementPerPost")}</th>
              <th scope="col">{t("analytics.m.clicks")}</th>
            </tr>
          </thead>
          <tbody>
            {report.questions
              .filter((q) => q.posts > 0)
              .map((q) => (
                <tr key={q.id}>
                  <th scope="row">{questionLabel(q.id)}</th>
                  <td>{whole(q.posts)}</td>
                  <td>{show(q.engagement)}</td>
                  <td>{show(q.engagementPerPost, decimal)}</td>
                  <td>{show(q.clicks)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </section>

      <section className="card" aria-labelledby="times-title">
        <h2 id="times-title">{t("analytics.times")}</h2>
        <p className="hint">{t("analytics.times.intro", { from: data.time.from, to: data.time.to, min: MIN_POSTS_PER_CELL })}</p>
        {data.time.cells.length === 0 ? (
          <p>{t("analytics.times.none")}</p>
        ) : (
          <div className="table-scroll">
            <table className="work-table time-grid" data-testid="time-grid">
              <caption>{t("analytics.times.table")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("analytics.col.weekday")}</th>
                  {data.time.hours.map((h) => (
                    <th scope="col" key={h}>
                      {t("analytics.hour", { hour: h })}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {WEEKDAYS.map((d) => (
                  <tr key={d}>
                    <th scope="row">{weekday(d)}</th>
                    {data.time.hours.map((h) => {
                      const cell = data.time.cells.find((c) => c.weekday === d && c.hour === h);
                      if (!cell) return <td key={h} />;
                      return (
                        <td key={h} className={cell.best ? "best" : cell.few ? "few" : undefined}>
                          {cell.best ? <span aria-label={t("analytics.times.best")}>★ </span> : null}
                          {show(cell.meanEngagement, decimal)}
                          <br />
                          <small>{t("analytics.times.posts", { n: cell.posts })}</small>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="contact-title">
        <h2 id="contact-title">{t("analytics.contact")}</h2>
        <p className="hint">{t("analytics.contact.intro")}</p>
        {covered.length === 0 ? <p>{t("analytics.contact.none")}</p> : null}
        {covered.map((o) => (
          <div key={o.id} className="question-outcome" data-testid={`outcome-${o.slug}`}>
            <h3>{lang === "nl" ? o.labelNl : o.labelFr}</h3>
            <p className={`verdict verdict-${o.did.verdict}`}>{verdictText(o)}</p>
            <ColumnChart
              id={`volumes-${o.slug}`}
              caption={t("analytics.contact.chart", { question: lang === "nl" ? o.labelNl : o.labelFr })}
              columns={o.months.map((m) => ({ label: m.month, value: m.volume, marked: m.covered }))}
              format={whole}
              markedLabel={t("analytics.contact.covered")}
              unmarkedLabel={t("analytics.contact.notCovered")}
              notAvailable={t("analytics.contact.noFigure")}
              headerLabels={[t("analytics.col.month"), t("analytics.contact.volume"), t("analytics.contact.covered")]}
              yes={t("analytics.yes")}
              no={t("analytics.no")}
            />
          </div>
        ))}
        <p className="hint">{t("analytics.contact.caveat")}</p>
      </section>
      <p className="hint">{t("analytics.engagementDefinition")}</p>
    </div>
  );
}
