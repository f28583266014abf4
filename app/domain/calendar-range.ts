import { DateTime } from "luxon";
import { BRUSSELS_ZONE, type LocalDate } from "./time/brussels";

export type CalendarView = "month" | "week" | "agenda";

export interface CalendarPeriod {
  view: CalendarView;
  /** The month in the URL, `yyyy-MM`. */
  month: string;
  /** The day the week view shows the week of (inside `month` unless the URL says otherwise). */
  anchorDate: LocalDate;
  /** The Brussels dates on screen, inclusive. */
  firstDate: LocalDate;
  lastDate: LocalDate;
  /** The UTC range to read, [start, end). */
  start: Date;
  end: Date;
  previous: { month: string; anchorDate: LocalDate };
  next: { month: string; anchorDate: LocalDate };
}

const fmt = (d: DateTime) => d.toFormat("yyyy-MM-dd");

/**
 * What a calendar URL shows: the month view covers whole weeks (Monday to Sunday) around the month,
 * the week view the Monday-to-Sunday week of the anchor date, the agenda the month itself.
 */
export function calendarPeriod(view: CalendarView, month: string, anchor?: string | null): CalendarPeriod | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return null;
  const first = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: BRUSSELS_ZONE });
  if (!first.isValid || first.year < 2000 || first.year > 2100) return null;
  const last = first.endOf("month").startOf("day");
  let anchorDay = first;
  if (anchor) {
    const a = DateTime.fromISO(anchor, { zone: BRUSSELS_ZONE });
    if (!a.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(anchor)) return null;
    anchorDay = a.startOf("day");
  }
  let from: DateTime;
  let to: DateTime;
  let previous: DateTime;
  let next: DateTime;
  if (view === "week") {
    from = anchorDay.startOf("week");
    to = from.plus({ days: 6 });
    previous = from.minus({ weeks: 1 });
    next = from.plus({ weeks: 1 });
  } else {
    from = view === "month" ? first.startOf("week") : first;
    to = view === "month" ? last.endOf("week").startOf("day") : last;
    previous = first.minus({ months: 1 });
    next = first.plus({ months: 1 });
  }
  return {
    view,
    month,
    anchorDate: fmt(view === "week" ? from : anchorDay),
    firstDate: fmt(from),
    lastDate: fmt(to),
    start: from.toJSDate(),
    end: to.plus({ days: 1 }).startOf("day").toJSDate(),
    previous: { month: previous.toFormat("yyyy-MM"), anchorDate: fmt(previous) },
    next: { month: next.toFormat("yyyy-MM"), anchorDate: fmt(next) },
  };
}

/**
 * The period an approver reviews at once: a month ("2026-12"), or from a date with an exclusive end
 * date or a number of weeks (1 to 6); this week by default; at most 62 days.
 */
export function reviewPeriod(q: { month: string | null; from: string | null; to: string | null; weeks: string | null }, now: Date): { from: DateTime; to: DateTime } {
  const month = q.month;
  if (month && /^\d{4}-\d{2}$/.test(month)) {
    const start = DateTime.fromISO(`${month}-01`, { zone: BRUSSELS_ZONE });
    if (start.isValid) return { from: start, to: start.plus({ months: 1 }) };
  }
  const today = DateTime.fromJSDate(now, { zone: BRUSSELS_ZONE }).startOf("week");
  const fromParam = DateTime.fromISO(q.from ?? "", { zone: BRUSSELS_ZONE });
  const from = fromParam.isValid ? fromParam.startOf("day") : today;
  const toParam = DateTime.fromISO(q.to ?? "", { zone: BRUSSELS_ZONE });
  const weeks = Math.min(Math.max(Number(q.weeks ?? "1") || 1, 1), 6);
  const to = toParam.isValid && toParam > from ? toParam.startOf("day") : from.plus({ weeks });
  return { from, to: to.diff(from, "days").days > 62 ? from.plus({ days: 62 }) : to };
}
