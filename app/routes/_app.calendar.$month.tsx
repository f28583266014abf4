import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { DateTime } from "luxon";
import rbcStyles from "react-big-calendar/lib/css/react-big-calendar.css";
import rbcDndStyles from "react-big-calendar/lib/addons/dragAndDrop/styles.css";
import { useMemo } from "react";
import { CadenceCalendar } from "../components/calendar/cadence-calendar";
import { decodeCalendarEvents } from "../domain/calendar-event";
import { DayNotesEditor } from "../components/calendar/day-notes-editor";
import calendarStyles from "../components/calendar/calendar.css";
import { StatusBadge } from "../components/status-badge";
import { can } from "../domain/permissions";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { localeOf } from "../i18n";
import { useLang, useT } from "../i18n/react";
import { calendarData, parseCalendarQuery } from "../services/calendar.server";
import { requirePermission } from "../services/session.server";
import { CALENDAR_STATUSES } from "../domain/pairing";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: rbcStyles },
  { rel: "stylesheet", href: rbcDndStyles },
  { rel: "stylesheet", href: calendarStyles },
];

export const meta: MetaFunction = () => [{ title: "Cadence" }];


export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "plan.read");
  const query = parseCalendarQuery(params.month ?? "", new URL(request.url).searchParams);
  if (!query) throw new Response("Not Found", { status: 404 });
  // The events come as one compact string (encodeCalendarEvents): a month can hold a thousand posts,
  // of which the month view gets the first ten of each day (what its cells can draw) and a count of the rest.
  const data = await calendarData(context.app, query.period, query.filters);
  return { ...data, canMove: can(user.roles, "item.move"), canWrite: can(user.roles, "item.write"), canWriteNotes: can(user.roles, "dayNote.write") };
}

export default function CalendarPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const lang = useLang();
  const location = useLocation();
  const { period, filters } = data;
  const events = useMemo(() => decodeCalendarEvents(data.eventsJson), [data.eventsJson]);
  // Where forms come back to: this view without the one-time messages.
  const hereParams = new URLSearchParams(location.search);
  hereParams.delete("item");
  hereParams.delete("note");
  const here = location.pathname + (hereParams.size > 0 ? `?${hereParams.toString()}` : "");
  const locale = localeOf(lang);
  const title =
    period.view === "week"
      ? `${DateTime.fromISO(period.firstDate, { zone: BRUSSELS_ZONE }).setLocale(locale).toFormat("d LLL")} – ${DateTime.fromISO(period.lastDate, { zone: BRUSSELS_ZONE }).setLocale(locale).toFormat("d LLL yyyy")}`
      : DateTime.fromISO(`${period.month}-01`, { zone: BRUSSELS_ZONE }).setLocale(locale).toFormat("LLLL yyyy");
  const filterParams = new URLSearchParams();
  for (const c of filters.channels) filterParams.append("channel", c);
  for (const s of filters.statuses) filterParams.append("status", s);
  for (const tag of filters.tags) filterParams.append("tag", tag);
  if (filters.missing) filterParams.set("missing", filters.missing);
  const linkTo = (month: string, view: string, date?: string) => {
    const p = new URLSearchParams(filterParams);
    if (view !== "month") p.set("view", view);
    if (date && view === "week") p.set("date", date);
    const qs = p.toString();
    return `/calendar/${month}${qs ? `?${qs}` : ""}`;
  };
  const today = DateTime.now().setZone(BRUSSELS_ZONE);
  const channelName = new Map(data.channels.map((c) => [c.id, c.name]));
  const filtered = filterParams.toString() !== "";
  const search = new URLSearchParams(location.search);
  const flash =
    search.get("item") === "deleted" ? t("item.deleted") : search.get("item") === "archived" ? t("item.archived") : search.get("note") === "saved" ? t("dayNote.saved") : search.get("note") === "deleted" ? t("dayNote.deleted") : null;

  return (
    <div className="calendar-page">
      <div className="page-heading">
        <h1>
          {t("calendar.title")} — <span className="calendar-period">{title}</span>
        </h1>
        {data.canWrite ? (
          <Link className="button" to={`/items/new?date=${period.view === "week" ? period.anchorDate : `${period.month}-01`}&back=${encodeURIComponent(here)}`}>
            + {t("calendar.newItem")}
          </Link>
        ) : null}
      </div>

      {flash ? (
        <p role="status" className="form-ok">
          {flash}
        </p>
      ) : null}

      <nav className="calendar-toolbar" aria-label={t("calendar.title")}>
        <div className="toolbar-group">
          <Link to={linkTo(period.previous.month, period.view, period.previous.anchorDate)} rel="prev">
            ← {t("calendar.previous")}
          </Link>
          <Link to={linkTo(today.toFormat("yyyy-MM"), period.view, today.toFormat("yyyy-MM-dd"))}>{t("calendar.today")}</Link>
          <Link to={linkTo(period.next.month, period.view, period.next.anchorDate)} rel="next">
            {t("calendar.next")} →
          </Link>
        </div>
        <div className="toolbar-group" role="group" aria-label={t("calendar.view.label")}>
          {(["month", "week", "agenda"] as const).map((v) => (
            <Link key={v} to={linkTo(period.month, v, period.anchorDate)} aria-current={period.view === v ? "page" : undefined} className={period.view === v ? "active" : ""}>
              {t(`calendar.view.${v}`)}
            </Link>
          ))}
        </div>
      </nav>

      <details className="calendar-filters" open={filtered}>
        <summary>
          {t("calendar.filters")} · {t("calendar.showing", { count: data.total })}
        </summary>
        <Form method="get" className="filters-form">
          {period.view !== "month" ? <input type="hidden" name="view" value={period.view} /> : null}
          {period.view === "week" ? <input type="hidden" name="date" value={period.anchorDate} /> : null}
          <fieldset>
            <legend>{t("calendar.filter.channel")}</legend>
            {data.channels.map((c) => (
              <label key={c.id} className="checkbox">
                <input type="checkbox" name="channel" value={c.id} defaultChecked={filters.channels.includes(c.id)} /> {c.name}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t("calendar.filter.status")}</legend>
            {CALENDAR_STATUSES.map((s) => (
              <label key={s} className="checkbox">
                <input type="checkbox" name="status" value={s} defaultChecked={filters.statuses.includes(s)} /> {t(`status.${s}`)}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="filter-tag">{t("calendar.filter.tag")}</label>
            <select id="filter-tag" name="tag" defaultValue={filters.tags[0] ?? ""}>
              <option value="">{t("calendar.filter.all")}</option>
              {data.questions.map((q) => (
                <option key={q.slug} value={q.slug}>
                  {lang === "nl" ? q.labelNl : q.labelFr}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-missing">{t("calendar.filter.missing")}</label>
            <select id="filter-missing" name="missing" defaultValue={filters.missing}>
              <option value="">{t("calendar.filter.all")}</option>
              <option value="any">{t("calendar.missing.any")}</option>
              <option value="fr">{t("calendar.missing.fr")}</option>
              <option value="nl">{t("calendar.missing.nl")}</option>
            </select>
          </div>
          <button type="submit">{t("calendar.filter.apply")}</button> <Link to={linkTo(period.month, period.view, period.anchorDate).split("?")[0] + (period.view !== "month" ? `?view=${period.view}${period.view === "week" ? `&date=${period.anchorDate}` : ""}` : "")}>{t("calendar.filter.clear")}</Link>
        </Form>
      </details>

      <section aria-labelledby="coverage-title" className="coverage">
        <h2 id="coverage-title">{t("calendar.coverage.title")}</h2>
        <p className="hint">{t("calendar.coverage.rule")}</p>
        <ul className="coverage-list">
          {data.coverage.map((c) => (
            <li key={c.channelId} data-testid={`coverage-${c.channelId}`}>
              <span className="channel-name">{channelName.get(c.channelId)}</span>
              <meter min={0} max={c.totalDays} value={c.coveredDays} aria-hidden="true" />
              <span>{t("plan.coverage.days", { covered: c.coveredDays, total: c.totalDays })}</span>
            </li>
          ))}
        </ul>
      </section>

      <ul className="status-legend" aria-label={t("calendar.legend")}>
        {CALENDAR_STATUSES.map((s) => (
          <li key={s}>
            <StatusBadge status={s} />
          </li>
        ))}
      </ul>

      <CadenceCalendar
        lang={lang}
        view={period.view}
        month={period.month}
        anchorDate={period.anchorDate}
        firstDate={period.firstDate}
        lastDate={period.lastDate}
        events={events}
        hiddenByDate={data.hiddenByDate}
        total={data.total}
        channels={data.channels}
        questions={data.questions}
        emptyByDate={data.emptyByDate}
        dayNotes={data.dayNotes}
        canMove={data.canMove}
        canWrite={data.canWrite}
        here={here}
      />

      <DayNotesEditor notes={data.dayNotes} canWrite={data.canWriteNotes} defaultDate={`${period.month}-01`} here={here} />
    </div>
  );
}
