import { DateTime } from "luxon";
import { BRUSSELS_ZONE } from "./time/brussels";
import { addBusinessDays, isBusinessDay, LEGAL_CALENDAR, type BusinessCalendar } from "./time/business-days";

/**
 * The team's rule: every citizen who writes gets an answer within one business day. A business day
 * is the team's opening hours (Brussels wall clock) on a day that is not a weekend, a Belgian legal
 * holiday or a closing day; a message that arrives outside them starts counting at the next
 * opening. One business day is one day's opening hours of business time: a message on Wednesday at
 * 10:00 is due on Thursday at 10:00; one on Friday at 18:00 is due on Monday at closing time.
 */
export interface BusinessHours {
  /** "HH:MM", Brussels wall clock. */
  open: string;
  close: string;
  calendar: BusinessCalendar;
}

export const DEFAULT_BUSINESS_HOURS: BusinessHours = { open: "09:00", close: "17:00", calendar: LEGAL_CALENDAR };

function at(date: string, time: string): DateTime {
  const [hour, minute] = time.split(":").map(Number);
  return DateTime.fromISO(date, { zone: BRUSSELS_ZONE }).set({ hour, minute, second: 0, millisecond: 0 });
}

/** The instant by which a message that arrived at `arrivedAt` must be answered. */
export function responseDeadline(arrivedAt: Date, hours: BusinessHours = DEFAULT_BUSINESS_HOURS, businessDays = 1): Date {
  if (!/^\d\d:\d\d$/.test(hours.open) || !/^\d\d:\d\d$/.test(hours.close) || hours.open >= hours.close) throw new RangeError("opening hours must be HH:MM with open before close");
  const dayMinutes = at("2026-01-05", hours.close).diff(at("2026-01-05", hours.open), "minutes").minutes;
  let remaining = dayMinutes * businessDays;
  const arrived = DateTime.fromJSDate(arrivedAt, { zone: BRUSSELS_ZONE });
  let date = arrived.toFormat("yyyy-MM-dd");
  // Where counting starts: now if open, else the next opening.
  let cursor: DateTime;
  if (isBusinessDay(date, hours.calendar) && arrived < at(date, hours.close)) cursor = arrived < at(date, hours.open) ? at(date, hours.open) : arrived;
  else {
    date = addBusinessDays(date, 1, hours.calendar);
    cursor = at(date, hours.open);
  }
  for (;;) {
    const closing = at(date, hours.close);
    const available = closing.diff(cursor, "minutes").minutes;
    if (remaining <= available) return cursor.plus({ minutes: remaining }).toJSDate();
    remaining -= available;
    date = addBusinessDays(date, 1, hours.calendar);
    cursor = at(date, hours.open);
  }
}
