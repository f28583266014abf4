import { useNavigate, useRevalidator } from "@remix-run/react";
import { DateTime, Settings } from "luxon";
import { createContext, memo, useCallback, useContext, useEffect, useMemo, useRef, useState, type ComponentType } from "react";
import { Calendar, luxonLocalizer, type CalendarProps, type DateHeaderProps, type EventProps, type ShowMoreProps } from "react-big-calendar";
import withDragAndDropModule, { type EventInteractionArgs, type withDragAndDropProps } from "react-big-calendar/lib/addons/dragAndDrop";
import { localeOf, type MessageKey, type UiLanguage } from "../../i18n";
import { useT } from "../../i18n/react";
import { BRUSSELS_ZONE, brusselsDateOf } from "../../domain/time/brussels";
import type { CalendarChannel, CalendarEventData, CalendarQuestion } from "./calendar-types";
import { ItemPanel } from "./item-panel";
import { moveRefusalMessage } from "./move-message";
import { requestMove } from "./move-request";
import { STATUS_ICONS } from "../status-badge";
import { monthGridEvents } from "../../domain/month-grid";
import { fastLocalizer } from "./fast-localizer";

// Every time on screen is Brussels time, whatever the browser's zone: luxon's default zone is what
// react-big-calendar's luxon localizer works in.
Settings.defaultZone = BRUSSELS_ZONE;
// With its comparisons by day answered from remembered starts of day (fast-localizer.ts).
const localizer = fastLocalizer(luxonLocalizer(DateTime, { firstDayOfWeek: 1 }), BRUSSELS_ZONE);

// Under "type": "module" the addon arrives as a module object.
type DndFactory = <E extends object>(c: ComponentType<CalendarProps<E>>) => ComponentType<CalendarProps<E> & withDragAndDropProps<E>>;
const withDragAndDrop: DndFactory = (withDragAndDropModule as unknown as { default?: DndFactory }).default ?? withDragAndDropModule;

export interface CalEvent {
  id: string;
  title: string;
  start: Date;
  end: Date;
  data: CalendarEventData;
}

const DnDCalendar = withDragAndDrop<CalEvent>(Calendar as ComponentType<CalendarProps<CalEvent>>);

const NETWORK_ABBR: Record<string, string> = {
  x: "X",
  facebook: "f",
  linkedin: "in",
  mastodon: "M",
  bluesky: "B",
  youtube: "YT",
  webhook: "W",
  outbox: "O",
};

function toCalEvent(e: CalendarEventData, lang: UiLanguage): CalEvent {
  const start = new Date(e.start);
  const own = lang === "nl" ? e.texts.nl : e.texts.fr;
  const other = lang === "nl" ? e.texts.fr : e.texts.nl;
  return {
    id: e.id,
    title: (own || other).slice(0, 80),
    start,
    end: new Date(start.getTime() + 30 * 60_000),
    data: e,
  };
}

interface ShowMoreContextValue {
  /** The posts of a date that the grid or the server left out. */
  hiddenOn: (date: string) => number;
  label: (count: number, date: string) => { text: string; aria: string };
  open: (date: string) => void;
}
const ShowMoreContext = createContext<ShowMoreContextValue | null>(null);

/** "+N more" as a cell with a real button: react-big-calendar's own button sits directly in role="row". */
function ShowMoreCell({ count: countInGrid, slotDate }: ShowMoreProps<CalEvent>) {
  const context = useContext(ShowMoreContext);
  if (!context) return null;
  const date = brusselsDateOf(slotDate);
  // What the cell could not fit, what the grid left out, and what the server did not send.
  const count = countInGrid + context.hiddenOn(date);
  const { text, aria } = context.label(count, date);
  return (
    <span role="cell" className="cal-show-more-cell">
      <button type="button" className="rbc-button-link rbc-show-more" aria-label={aria} onClick={() => context.open(date)}>
        {text}
      </button>
    </span>
  );
}

/** The week view's day headings: react-big-calendar's default puts role="columnheader" inside a button. */
function WeekHeader({ label }: { label: string }) {
  return <span>{label}</span>;
}

export interface CadenceCalendarProps {
  lang: UiLanguage;
  view: "month" | "week" | "agenda";
  month: string;
  anchorDate: string;
  firstDate: string;
  lastDate: string;
  events: CalendarEventData[];
  /** Per Brussels date, the posts the server left out of `events` (the month grid gets the first of each day). */
  hiddenByDate: Record<string, number>;
  /** How many posts of the period pass the filters, in `events` or not. */
  total: number;
  channels: CalendarChannel[];
  questions: CalendarQuestion[];
  emptyByDate: Record<string, string[]>;
  dayNotes: { id: string; localDate: string; textFr: string; textNl: string }[];
  canMove: boolean;
  canWrite: boolean;
  /** The URL with the current view and filters, for links that come back here. */
  here: string;
}

export function CadenceCalendar(props: CadenceCalendarProps) {
  const t = useT();
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const culture = localeOf(props.lang);
  const [events, setEvents] = useState<CalEvent[]>(() => props.events.map((e) => toCalEvent(e, props.lang)));
  const [message, setMessage] = useState<{
    kind: "ok" | "error";
    text: string;
  } | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const pending = useRef(0);

  // The grid is drawn in the browser only: react-big-calendar sizes its month cells from the layout,
  // which the server cannot know, so a server-rendered grid would hold every event and then be
  // thrown away at hydration. The server sends the page; the browser draws the grid once.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  // Marks the moment the grid is drawn and answers input (read by `npm run bench`).
  useEffect(() => {
    if (mounted) performance.mark("cadence:calendar-interactive");
  }, [mounted]);

  // The loader's data is the truth: whenever it changes (after a move, a revalidation, a navigation), take it.
  useEffect(() => {
    if (pending.current === 0) setEvents(props.events.map((e) => toCalEvent(e, props.lang)));
  }, [props.events, props.lang]);

  const channelById = useMemo(() => new Map(props.channels.map((c) => [c.id, c])), [props.channels]);
  const questionLabel = useMemo(() => new Map(props.questions.map((q) => [q.slug, props.lang === "nl" ? q.labelNl : q.labelFr])), [props.questions, props.lang]);
  const timeOf = useCallback((iso: string) => DateTime.fromISO(iso, { zone: BRUSSELS_ZONE }).setLocale(culture).toFormat("HH:mm"), [culture]);
  const dayLabel = useMemo(() => {
    const labels = new Map<string, string>();
    return (date: string): string => {
      let label = labels.get(date);
      if (label === undefined) labels.set(date, (label = DateTime.fromISO(date, { zone: BRUSSELS_ZONE }).setLocale(culture).toFormat("cccc d LLLL")));
      return label;
    };
  }, [culture]);

  // An event's description is asked for twice per draw (its label and its tooltip) and every draw
  // redraws the grid: remembered per event data, which only a change to that event replaces.
  const describe = useMemo(() => {
    const descriptions = new WeakMap<CalendarEventData, string>();
    return (e: CalendarEventData) => {
      const known = descriptions.get(e);
      if (known !== undefined) return known;
      const parts = [
        `${e.localTime}`,
        t(`status.${e.status}` as MessageKey),
        (props.lang === "nl" ? e.texts.nl : e.texts.fr) || (props.lang === "nl" ? e.texts.fr : e.texts.nl),
        t("calendar.event.channels", {
          list: e.channelIds
            .map((id) => channelById.get(id)?.name ?? "")
            .filter(Boolean)
            .join(", "),
        }),
      ];
      if (e.missing.length > 0) parts.push(e.missing.map((l) => t(`calendar.missing.${l}`)).join(", "));
      if (e.tags.length > 0)
        parts.push(
          t("calendar.event.tags", {
            list: e.tags.map((s) => questionLabel.get(s) ?? s).join(", "),
          })
        );
      const description = parts.join(" — ");
      descriptions.set(e, description);
      return description;
    };
  }, [t, props.lang, channelById, questionLabel]);

  const move = useCallback(
    async (itemId: string, localDate: string, localTime: string, occurrence?: string) => {
      const current = events.find((e) => e.id === itemId);
      if (!current) return false;
      const previous = current;
      const resolvedStart = DateTime.fromISO(`${localDate}T${localTime}`, {
        zone: BRUSSELS_ZONE,
      });
      // Draws the item at a place at once; the server's answer confirms or undoes it.
      const place = (start: Date, patch: Partial<CalendarEventData>) =>
        setEvents((list) => list.map((e) => (e.id === itemId ? { ...e, start, end: new Date(start.getTime() + 30 * 60_000), data: { ...e.data, ...patch } } : e)));
      if (resolvedStart.isValid) place(resolvedStart.toJSDate(), { localDate, localTime });
      setMessage({ kind: "ok", text: t("calendar.moving") });
      pending.current++;
      const answer = await requestMove(itemId, { localDate, localTime, version: current.data.version, occurrence });
      pending.current--;
      if (answer.ok) {
        place(new Date(answer.item.scheduledAt), { localDate: answer.item.localDate, localTime: answer.item.localTime, version: answer.item.version });
        setMessage({
          kind: "ok",
          text: t("calendar.moved", {
            date: dayLabel(answer.item.localDate),
            time: answer.item.localTime,
          }),
        });
      } else {
        setEvents((list) => list.map((e) => (e.id === itemId ? previous : e)));
        setMessage({
          kind: "error",
          text: moveRefusalMessage(t, answer, timeOf),
        });
      }
      // Coverage, versions and other people's changes come back with the loader.
      revalidator.revalidate();
      return answer.ok;
    },
    [events, t, dayLabel, timeOf, revalidator]
  );

  const onEventDrop = useCallback(
    ({ event, start }: EventInteractionArgs<CalEvent>) => {
      const target = DateTime.fromJSDate(new Date(start), {
        zone: BRUSSELS_ZONE,
      });
      void move(event.id, target.toFormat("yyyy-MM-dd"), target.toFormat("HH:mm"));
    },
    [move]
  );

  // react-big-calendar redraws every post of the grid whenever one changes (a drop, a move); each
  // post's content is drawn again only if that post changed. A change of language, channels or view
  // gives a new component, which draws them all.
  const EventContent = useMemo(() => {
    const Content = ({ event }: EventProps<CalEvent>) => {
      const e = event.data;
      const inner = (
        <>
          <span className="cal-event-time">{e.localTime}</span>{" "}
          <span className="cal-event-status" aria-hidden="true">
            {STATUS_ICONS[e.status] ?? "•"}
          </span>{" "}
          {e.thumb ? <img className="cal-thumb" src={`/media/${e.thumb}?size=thumb`} alt="" width={28} height={28} loading="lazy" decoding="async" /> : null}
          <span className="cal-event-title">{event.title}</span>
          <span className="cal-event-meta" aria-hidden="true">
            {e.channelIds.map((id) => {
              const c = channelById.get(id);
              return c ? (
                <abbr key={id} title={c.name} className={`net net-${c.network}`}>
                  {NETWORK_ABBR[c.network] ?? "?"}
                  {c.language === "bilingual" ? "" : c.language.toUpperCase()}
                </abbr>
              ) : null;
            })}
            {e.missing.map((l) => (
              <span key={l} className="cal-missing">
                ⚠{l.toUpperCase()}
              </span>
            ))}
            {e.tags.length > 0 ? <span className="cal-tags">#{e.tags.length}</span> : null}
          </span>
        </>
      );
      if (props.view === "agenda") {
        // The agenda has no selection of its own: each post is a button that opens its panel.
        return (
          <button type="button" className="cal-event cal-agenda-event" data-item-id={e.id} aria-label={describe(e)} onClick={() => setSelectedId(e.id)}>
            {inner}
          </button>
        );
      }
      if (props.view === "month") {
        // Month cells are not focusable in react-big-calendar: this makes every post reachable by
        // keyboard; Enter reaches the cell's key handler, which opens the panel.
        // role="cell": react-big-calendar puts event rows straight into role="row".
        return (
          <span role="cell" className="cal-event-cell">
            <span className="cal-event" data-item-id={e.id} role="button" tabIndex={0} aria-label={describe(e)}>
              {inner}
            </span>
          </span>
        );
      }
      return (
        <span className="cal-event" data-item-id={e.id}>
          {inner}
        </span>
      );
    };
    return memo(Content, (before, after) => before.event === after.event && before.title === after.title);
  }, [channelById, describe, props.view]);

  const notesByDate = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const n of props.dayNotes) map.set(n.localDate, [...(map.get(n.localDate) ?? []), props.lang === "nl" ? n.textNl : n.textFr]);
    return map;
  }, [props.dayNotes, props.lang]);

  const DateHeader = useCallback(
    ({ label, date, isOffRange }: DateHeaderProps) => {
      const local = brusselsDateOf(date);
      const empty = isOffRange ? [] : props.emptyByDate[local] ?? [];
      const names = empty.map((id) => channelById.get(id)?.name ?? "").filter(Boolean);
      const notes = notesByDate.get(local) ?? [];
      return (
        <div className="cal-date-header">
          <span className="cal-date-number">{label}</span>
          {!isOffRange && names.length > 0 && props.canWrite ? (
            // An empty channel-day offers a new post there, with the citizen questions to cover first.
            <a
              className="coverage-gap"
              href={`/items/new?date=${local}&gap=1${empty.map((id) => `&channel=${id}`).join("")}&back=${encodeURIComponent(props.here)}`}
              title={`${t("calendar.day.empty", { channels: names.join(", ") })} — ${t("gap.offer")}`}
              data-testid={`gap-${local}`}
            >
              {`○${names.length}`}
              <span className="visually-hidden">
                {" "}
                {t("calendar.day.empty", { channels: names.join(", ") })} — {t("gap.offer")}
              </span>
            </a>
          ) : !isOffRange ? (
            <span
              className={`coverage-gap ${names.length === 0 ? "full" : ""}`}
              title={names.length === 0 ? t("calendar.day.full") : t("calendar.day.empty", { channels: names.join(", ") })}
              data-testid={`gap-${local}`}
            >
              {names.length === 0 ? "✓" : `○${names.length}`}
              <span className="visually-hidden"> {names.length === 0 ? t("calendar.day.full") : t("calendar.day.empty", { channels: names.join(", ") })}</span>
            </span>
          ) : null}
          {notes.map((n, i) => (
            <span key={i} className="cal-day-note">
              ◆ {n}
            </span>
          ))}
        </div>
      );
    },
    [props.emptyByDate, props.canWrite, props.here, channelById, notesByDate, t]
  );

  const grid = useMemo(() => (props.view === "month" ? monthGridEvents(events) : { shown: events, hiddenByDate: new Map<string, number>() }), [events, props.view]);
  const gridHidden = grid.hiddenByDate;
  const serverHidden = props.hiddenByDate;

  // What "+N more" needs besides react-big-calendar's own count. Through a context, so that the
  // buttons are drawn again, not made anew, when the counts change (a drop).
  const showMore = useMemo<ShowMoreContextValue>(
    () => ({
      hiddenOn: (date) => (gridHidden.get(date) ?? 0) + (serverHidden[date] ?? 0),
      label: (count, date) => ({ text: t("calendar.more", { count }), aria: t("calendar.moreLabel", { count, date: dayLabel(date) }) }),
      open: (date) => navigate(`?${new URLSearchParams({ ...Object.fromEntries(new URL(props.here, "http://x").searchParams), view: "week", date }).toString()}`),
    }),
    [gridHidden, serverHidden, t, dayLabel, navigate, props.here]
  );

  const components = useMemo(
    () => ({
      event: EventContent,
      month: { dateHeader: DateHeader },
      week: { header: WeekHeader },
      showMore: ShowMoreCell,
    }),
    [EventContent, DateHeader]
  );

  const selected = selectedId ? events.find((e) => e.id === selectedId) : undefined;
  const date = useMemo(
    () => DateTime.fromISO(props.view === "week" ? props.anchorDate : `${props.month}-01`, { zone: BRUSSELS_ZONE }).toJSDate(),
    [props.view, props.anchorDate, props.month]
  );
  const agendaLength = useMemo(() => DateTime.fromISO(props.lastDate).diff(DateTime.fromISO(props.firstDate), "days").days + 1, [props.firstDate, props.lastDate]);

  return (
    <div className="cadence-calendar">
      <p className={`cal-message ${message?.kind ?? ""}`} role={message?.kind === "error" ? "alert" : "status"} aria-live="polite" data-testid="calendar-message">
        {message?.text ?? ""}
      </p>
      {mounted ? (
        <ShowMoreContext.Provider value={showMore}>
          <DnDCalendar
            localizer={localizer}
            culture={culture}
            events={grid.shown}
            date={date}
            view={props.view}
            views={["month", "week", "agenda"]}
            length={agendaLength}
            toolbar={false}
            onNavigate={() => {}}
            onView={() => {}}
            popup={false}
            step={30}
            timeslots={2}
            scrollToTime={DateTime.fromObject({ hour: 8 }, { zone: BRUSSELS_ZONE }).toJSDate()}
            tooltipAccessor={(e: CalEvent) => describe(e.data)}
            eventPropGetter={(e: CalEvent) => ({
              className: `status-${e.data.status}${e.data.missing.length ? " is-missing" : ""}`,
            })}
            draggableAccessor={(e: CalEvent) => props.canMove && !["published", "partly_failed", "archived"].includes(e.data.status)}
            resizable={false}
            onEventDrop={onEventDrop}
            onSelectEvent={(e: CalEvent) => setSelectedId(e.id)}
            onKeyPressEvent={(e: CalEvent, ev) => {
              const key = (ev as unknown as KeyboardEvent).key;
              if (key === "Enter" || key === " ") setSelectedId(e.id);
            }}
            components={components}
            messages={{
              showMore: (count: number) => t("calendar.more", { count }),
              noEventsInRange: t("calendar.noEvents"),
              date: t("dayNote.date"),
              time: t("item.field.time"),
              event: t("item.field.text"),
              allDay: "",
            }}
          />
        </ShowMoreContext.Provider>
      ) : (
        <p className="calendar-loading" aria-busy="true">
          {t("calendar.showing", { count: props.total })}
        </p>
      )}
      {selected ? (
        <ItemPanel
          key={selected.id}
          event={selected.data}
          description={describe(selected.data)}
          channels={props.channels}
          canMove={props.canMove}
          canWrite={props.canWrite}
          here={props.here}
          onClose={() => setSelectedId(null)}
          onMove={(localDate, localTime, occurrence) => move(selected.id, localDate, localTime, occurrence)}
        />
      ) : null}
    </div>
  );
}
