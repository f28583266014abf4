import { DateTime } from "luxon";
import type { LocalDate } from "./brussels";
import { belgianHolidays } from "./holidays";

/**
 * Which days an organisation is closed. Weekends and the Belgian legal holidays always;
 * the federal extras and any days set by circular (bridge days, 27–31 December
 * compensation) are data the caller passes in.
 */
export interface BusinessCalendar {
  federal: boolean;
  extraClosedDays: ReadonlySet<LocalDate>;
}

export const LEGAL_CALENDAR: BusinessCalendar = { federal: false, extraClosedDays: new Set() };

const holidayCache = new Map<string, Set<LocalDate>>();

function holidaysOf(year: number, federal: boolean): Set<LocalDate> {
  const key = `${year}:${federal}`;
  let set = holidayCache.get(key);
  if (!set) {
    set = new Set(belgianHolidays(year, { federal }).map((h) => h.localDate));
    holidayCache.set(key, set);
  }
  return set;
}

export function isBusinessDay(date: LocalDate, calendar: BusinessCalendar = LEGAL_CALENDAR): boolean {
  const day = DateTime.fromISO(date, { zone: "utc" });
  if (!day.isValid) throw new RangeError(`invalid date: ${date}`);
  if (day.weekday >= 6) return false;
  if (holidaysOf(day.year, calendar.federal).has(date)) return false;
  return !calendar.extraClosedDays.has(date);
}

/**
 * Moves `days` business days from `date` (negative goes back). The start date itself is never
 * counted: one business day after Friday 10 July 2026 is Monday 13 July 2026.
 */
export function addBusinessDays(date: LocalDate, days: number, calendar: BusinessCalendar = LEGAL_CALENDAR): LocalDate {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer: ${days}`);
  let day = DateTime.fromISO(date, { zone: "utc" });
  if (!day.isValid) throw new RangeError(`invalid date: ${date}`);
  const step = days < 0 ? -1 : 1;
  let remaining = Math.abs(days);
  while (remaining > 0) {
    day = day.plus({ days: step });
    if (isBusinessDay(day.toFormat("yyyy-MM-dd"), calendar)) remaining--;
  }
  return day.toFormat("yyyy-MM-dd");
}
