import { DateTime } from "luxon";
import type { LocalDate } from "./brussels";

export type HolidayKey =
  | "new-year"
  | "easter-monday"
  | "labour-day"
  | "ascension"
  | "whit-monday"
  | "national-day"
  | "assumption"
  | "all-saints"
  | "armistice"
  | "christmas"
  | "all-souls"
  | "kings-feast"
  | "boxing-day";

export interface Holiday {
  localDate: LocalDate;
  key: HolidayKey;
  /** "legal": the ten national holidays; "federal": the three extra days of the federal civil service. */
  kind: "legal" | "federal";
}

/** Western (Gregorian) Easter Sunday, by the anonymous Gregorian (Meeus–Jones–Butcher) computus. */
export function easterSunday(year: number): LocalDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.fromObject({ year, month, day }, { zone: "utc" }).toFormat("yyyy-MM-dd");
}

function plusDays(date: LocalDate, days: number): LocalDate {
  return DateTime.fromISO(date, { zone: "utc" }).plus({ days }).toFormat("yyyy-MM-dd");
}

function fixed(year: number, month: number, day: number): LocalDate {
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * Belgian holidays of a year, sorted by date: the ten legal holidays, plus with
 * `federal: true` the federal civil service's 2 November, 15 November and 26 December.
 */
export function belgianHolidays(year: number, options: { federal?: boolean } = {}): Holiday[] {
  if (!Number.isInteger(year) || year < 1583 || year > 4099) {
    throw new RangeError(`year out of range: ${year}`);
  }
  const easter = easterSunday(year);
  const list: Holiday[] = [
    { localDate: fixed(year, 1, 1), key: "new-year", kind: "legal" },
    { localDate: plusDays(easter, 1), key: "easter-monday", kind: "legal" },
    { localDate: fixed(year, 5, 1), key: "labour-day", kind: "legal" },
    { localDate: plusDays(easter, 39), key: "ascension", kind: "legal" },
    { localDate: plusDays(easter, 50), key: "whit-monday", kind: "legal" },
    { localDate: fixed(year, 7, 21), key: "national-day", kind: "legal" },
    { localDate: fixed(year, 8, 15), key: "assumption", kind: "legal" },
    { localDate: fixed(year, 11, 1), key: "all-saints", kind: "legal" },
    { localDate: fixed(year, 11, 11), key: "armistice", kind: "legal" },
    { localDate: fixed(year, 12, 25), key: "christmas", kind: "legal" },
  ];
  if (options.federal) {
    list.push(
      { localDate: fixed(year, 11, 2), key: "all-souls", kind: "federal" },
      { localDate: fixed(year, 11, 15), key: "kings-feast", kind: "federal" },
      { localDate: fixed(year, 12, 26), key: "boxing-day", kind: "federal" },
    );
  }
  return list.sort((x, y) => x.localDate.localeCompare(y.localDate));
}
