import { DateTime } from "luxon";
import { BRUSSELS_ZONE, brusselsDateOf } from "./time/brussels";
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

interface Day {
  open: number;
  close: number;
  business: boolean;
  next: string;
}

/**
 * Each date's opening and closing instants (epoch ms, DST-correct through luxon) and the next
 * business date, remembered: a collection round computes hundreds of deadlines on a few dates.
 */
const days = new Map<string, Day>();
function dayOf(date: string, hours: BusinessHours): Day {
  const key = `${date} ${hours.open} ${hours.close} ${hours.calendar.federal} ${[...hours.calendar.extraClosedDays].join(",")}`;
  let day = days.get(key);
  if (!day) {
    const at = (time: string) => {
      const [hour, minute] = time.split(":").map(Number);
      return DateTime.fromISO(date, { zone: BRUSSELS_ZONE }).set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
    };
    day = { open: at(hours.open), close: at(hours.close), business: isBusinessDay(date, hours.calendar), next: addBusinessDays(date, 1, hours.calendar) };
    if (days.size > 4_000) days.clear();
    days.set(key, day);
  }
  return day;
}

/** The instant by which a message that arrived at `arrivedAt` must be answered. */
export function responseDeadline(arrivedAt: Date, hours: BusinessHours = DEFAULT_BUSINESS_HOURS, businessDays = 1): Date {
  if (!/^\d\d:\d\d$/.test(hours.open) || !/^\d\d:\d\d$/.test(hours.close) || hours.open >= hours.close) throw new RangeError("opening hours must be HH:MM with open before close");
  const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));
  let remaining = (minutes(hours.close) - minutes(hours.open)) * 60_000 * businessDays;
  const arrived = arrivedAt.getTime();
  let date = brusselsDateOf(arrivedAt);
  let day = dayOf(date, hours);
  // Where counting starts: now if open, else the next opening.
  let cursor: number;
  if (day.business && arrived < day.close) cursor = Math.max(arrived, day.open);
  else {
    date = day.next;
    day = dayOf(date, hours);
    cursor = day.open;
  }
  for (;;) {
    const available = day.close - cursor;
    if (remaining <= available) return new Date(cursor + remaining);
    remaining -= available;
    date = day.next;
    day = dayOf(date, hours);
    cursor = day.open;
  }
}
