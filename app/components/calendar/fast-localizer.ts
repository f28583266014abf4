import { DateTime, type Zone } from "luxon";
import type { DateLocalizer } from "react-big-calendar";

/**
 * react-big-calendar's luxon localizer answers every comparison "by day" by building two luxon
 * DateTimes in the calendar's zone and taking their start of day: a month view with a few hundred
 * posts does that tens of thousands of times per draw (which week each post falls in, their order,
 * their segments), and it was most of the time from a drop to the post drawn at its new place.
 *
 * This wraps that localizer: the comparisons the month and week views make by month, by day, by
 * minute or exactly are answered from each instant's start of day, which is computed with luxon once per day
 * and remembered (a day of the zone is a run of whole quarter-hours of UTC, since every offset is a
 * whole number of quarter-hours). Anything else (other units, formatting, adding months) goes to
 * luxon as before. The answers are the same as luxon's: fast-localizer.test.ts compares them on
 * every quarter-hour around both DST changes of Europe/Brussels.
 */

const QUARTER_HOUR = 15 * 60_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

type Unit = "exact" | "minute" | "day" | "month" | null;

function unitOf(unit: unknown): Unit {
  if (unit === undefined || unit === null || unit === "") return "exact";
  if (typeof unit !== "string") return null;
  switch (unit.toLowerCase()) {
    case "millisecond":
    case "milliseconds":
      return "exact";
    case "minute":
    case "minutes":
      return "minute";
    case "day":
    case "days":
      return "day";
    case "month":
    case "months":
      return "month";
    default:
      return null;
  }
}

/** The start of each instant's day in one zone, and of the day after, remembered per quarter-hour. */
export class DayStarts {
  private readonly starts = new Map<number, { start: number; next: number; month: number }>();

  constructor(private readonly zone: string | Zone) {}

  private day(ms: number): { start: number; next: number; month: number } {
    const bucket = Math.floor(ms / QUARTER_HOUR);
    let day = this.starts.get(bucket);
    if (!day) {
      const start = DateTime.fromMillis(ms, { zone: this.zone }).startOf("day");
      day = { start: start.toMillis(), next: start.plus({ days: 1 }).toMillis(), month: start.startOf("month").toMillis() };
      // Every quarter-hour of that day maps to it: one luxon computation per day.
      for (let b = Math.floor(day.start / QUARTER_HOUR); b * QUARTER_HOUR < day.next; b++) this.starts.set(b, day);
    }
    return day;
  }

  /** The first instant of the day `ms` falls in. */
  startOf(ms: number): number {
    return this.day(ms).start;
  }

  /** The first instant of the month `ms` falls in. */
  monthStartOf(ms: number): number {
    return this.day(ms).month;
  }

  /** The first instant of the day after the one `ms` falls in. */
  nextStart(ms: number): number {
    return this.day(ms).next;
  }
}

/**
 * The localizer as react-big-calendar 1.x calls it: its published types give inEventRange two
 * arguments and sortEvents four where the library passes one object, and leave out daySpan.
 */
type SortedEvent = { start: Date; end: Date; allDay?: boolean };
export type RuntimeLocalizer = Omit<DateLocalizer, "inEventRange" | "sortEvents"> & {
  sortEvents(args: { evtA: SortedEvent; evtB: SortedEvent }): number;
  inEventRange(args: { event: { start: Date; end: Date }; range: { start: Date; end: Date } }): boolean;
  daySpan(start: Date, end: Date): number;
};

function timeOf(value: unknown): number {
  return value instanceof Date ? value.getTime() : typeof value === "number" ? value : NaN;
}

/** The comparisons by day, by minute and exact, without a luxon object each time. */
export function fastLocalizer(localizer: DateLocalizer, zone: string | Zone): DateLocalizer {
  const base = localizer as unknown as RuntimeLocalizer;
  const days = new DayStarts(zone);
  // The value an instant is compared by, in a unit; null when luxon must answer.
  const keyOf = (ms: number, unit: Unit): number | null => {
    if (!Number.isFinite(ms) || unit === null) return null;
    if (unit === "exact") return ms;
    // Every offset is a whole number of minutes: a minute starts at the same instant in every zone.
    if (unit === "minute") return Math.floor(ms / MINUTE) * MINUTE;
    return unit === "month" ? days.monthStartOf(ms) : days.startOf(ms);
  };
  const compare = (name: "eq" | "neq" | "lt" | "lte" | "gt" | "gte", test: (a: number, b: number) => boolean) => {
    const original = base[name].bind(base) as (a: Date, b: Date, unit?: unknown) => boolean;
    return (a: Date, b: Date, unit?: unknown): boolean => {
      const u = unitOf(unit);
      const ka = keyOf(timeOf(a), u);
      const kb = keyOf(timeOf(b), u);
      return ka === null || kb === null ? original(a, b, unit) : test(ka, kb);
    };
  };
  const startOf = base.startOf.bind(base) as (date: Date, unit?: unknown) => Date;
  const ceil = base.ceil.bind(base) as (date: Date, unit?: unknown) => Date;
  const diff = base.diff.bind(base) as (a: Date, b: Date, unit?: unknown) => number;
  const inRange = base.inRange.bind(base) as (day: Date, min: Date, max: Date, unit?: unknown) => boolean;
  const isSameDate = base.isSameDate.bind(base);
  const eq = compare("eq", (a, b) => a === b);
  const neq = compare("neq", (a, b) => a !== b);
  const lt = compare("lt", (a, b) => a < b);
  const lte = compare("lte", (a, b) => a <= b);
  const gt = compare("gt", (a, b) => a > b);
  const gte = compare("gte", (a, b) => a >= b);
  const dayStart = (date: Date): number | null => keyOf(timeOf(date), "day");

  const add = base.add.bind(base) as (date: Date, amount: number, unit?: unknown) => Date;
  /** `amount` whole days from a start of day: a start of day again (luxon keeps the wall-clock time, midnight). */
  const addDays = (ms: number, amount: number): number => {
    let day = ms;
    for (let i = 0; i < amount; i++) day = days.nextStart(day);
    for (let i = 0; i > amount; i--) day = days.startOf(day - 1);
    return day;
  };
  const isDayStart = (ms: number) => Number.isFinite(ms) && days.startOf(ms) === ms;
  const dayRange = (first: Date, last: Date): Date[] => {
    const list: Date[] = [];
    for (let day = timeOf(first); day <= timeOf(last); day = days.nextStart(day)) list.push(new Date(day));
    return list;
  };

  const overrides = {
    eq,
    neq,
    lt,
    lte,
    gt,
    gte,
    add(date: Date, amount: number, unit?: unknown): Date {
      // Whole days from a start of day (the month grid's days, a range's end); anything else to luxon.
      const ms = timeOf(date);
      return unitOf(unit) === "day" && Number.isInteger(amount) && Math.abs(amount) <= 366 && isDayStart(ms) ? new Date(addDays(ms, amount)) : add(date, amount, unit);
    },
    range(start: Date, end: Date, unit: unknown = "day"): Date[] {
      return unitOf(unit) === "day" && isDayStart(timeOf(start)) && Number.isFinite(timeOf(end)) ? dayRange(start, end) : base.range(start, end, unit as never);
    },
    visibleDays(date: Date): Date[] {
      return dayRange(base.firstVisibleDay(date, localizer), base.lastVisibleDay(date, localizer));
    },
    startOf(date: Date, unit?: unknown): Date {
      const start = unitOf(unit) === "day" ? dayStart(date) : null;
      return start === null ? startOf(date, unit) : new Date(start);
    },
    ceil(date: Date, unit?: unknown): Date {
      const ms = timeOf(date);
      if (unitOf(unit) !== "day" || !Number.isFinite(ms)) return ceil(date, unit);
      const start = days.startOf(ms);
      return new Date(start === ms ? ms : days.nextStart(ms));
    },
    diff(a: Date, b: Date, unit?: unknown): number {
      const ma = timeOf(a);
      const mb = timeOf(b);
      if (unitOf(unit ?? "day") === "day" && Number.isFinite(ma) && Number.isFinite(mb)) {
        // From one start of day to another: whole days (23 or 25 hours at a DST change).
        if (days.startOf(ma) === ma && days.startOf(mb) === mb) return Math.round((mb - ma) / DAY);
        // Less than the shortest day apart, forward: not a whole day.
        if (mb >= ma && mb - ma < 23 * 3_600_000) return 0;
      }
      return diff(a, b, unit);
    },
    inRange(day: Date, min: Date, max: Date, unit: unknown = "day"): boolean {
      const u = unitOf(unit);
      const d = keyOf(timeOf(day), u);
      const lo = keyOf(timeOf(min), u);
      const hi = keyOf(timeOf(max), u);
      return d === null || lo === null || hi === null ? inRange(day, min, max, unit) : d >= lo && d <= hi;
    },
    isSameDate(a: Date, b: Date): boolean {
      const da = dayStart(a);
      const db = dayStart(b);
      return da === null || db === null ? isSameDate(a, b) : da === db;
    },
    min(a: Date, b: Date): Date {
      return timeOf(a) <= timeOf(b) ? new Date(timeOf(a)) : new Date(timeOf(b));
    },
    max(a: Date, b: Date): Date {
      return timeOf(a) >= timeOf(b) ? new Date(timeOf(a)) : new Date(timeOf(b));
    },
    continuesPrior(start: Date, first: Date): boolean {
      return lt(start, first);
    },
    continuesAfter(_start: Date, end: Date, last: Date): boolean {
      return gte(end, last);
    },
    daySpan(start: Date, end: Date): number {
      return (timeOf(end) - timeOf(start)) / DAY;
    },
    sortEvents({ evtA, evtB }: { evtA: SortedEvent; evtB: SortedEvent }): number {
      const a0 = timeOf(evtA.start);
      const b0 = timeOf(evtB.start);
      const a1 = timeOf(evtA.end);
      const b1 = timeOf(evtB.end);
      return (
        days.startOf(a0) - days.startOf(b0) ||
        (b1 - b0) / DAY - (a1 - a0) / DAY ||
        Number(!!evtB.allDay) - Number(!!evtA.allDay) ||
        a0 - b0 ||
        a1 - b1
      );
    },
    inEventRange({ event, range }: { event: { start: Date; end: Date }; range: { start: Date; end: Date } }): boolean {
      const start = timeOf(event.start);
      const end = timeOf(event.end);
      const rangeStart = timeOf(range.start);
      const rangeEnd = timeOf(range.end);
      if (![start, end, rangeStart, rangeEnd].every(Number.isFinite)) return base.inEventRange({ event, range });
      const eventDay = days.startOf(start);
      const startsBeforeEnd = eventDay <= days.startOf(rangeEnd);
      // A post that lasts no time at all still shows on the day it starts.
      const endMinute = Math.floor(end / MINUTE);
      const rangeStartMinute = Math.floor(rangeStart / MINUTE);
      const notSameMinute = Math.floor(eventDay / MINUTE) !== endMinute;
      const endsAfterStart = notSameMinute ? endMinute > rangeStartMinute : endMinute >= rangeStartMinute;
      return startsBeforeEnd && endsAfterStart;
    },
  };
  return Object.assign(Object.create(Object.getPrototypeOf(base) as object) as DateLocalizer, base, overrides);
}
