import { z } from "zod";
import { calendarSideData, channelDaysWithPosts, listCalendarEvents, listMonthGridEvents, type CalendarEventRow } from "../../db/repositories/calendar";
import { encodeCalendarEvents, missingLanguages, passesMissingFilter, type CalendarEventData } from "../domain/calendar-event";
import { calendarPeriod, type CalendarPeriod, type CalendarView } from "../domain/calendar-range";
import { channelCoverage } from "../domain/coverage";
import { MONTH_CELL_LIMIT } from "../domain/month-grid";
import { brusselsMonthRange, datesOfMonth } from "../domain/time/brussels";
import type { AppContext } from "./context.server";
import { CONTROL_CHARACTERS, UUID_PATTERN } from "./validation.server";

export interface CalendarFilters {
  channels: string[];
  statuses: string[];
  tags: string[];
  missing: "" | "any" | "fr" | "nl";
}

/** One event of the calendar: a FR/NL pair with its first words, channels, tags and missing languages. */
export type CalendarEvent = CalendarEventData;

export interface CalendarData {
  period: CalendarPeriod;
  filters: CalendarFilters;
  /**
   * The events that pass the filters, in their wire form (decodeCalendarEvents reads it). The month
   * view gets the first MONTH_CELL_LIMIT of each day (no cell shows more); `hiddenByDate` counts the rest.
   */
  eventsJson: string;
  /** Per Brussels date, the posts that pass the filters but were left out of `eventsJson`. */
  hiddenByDate: Record<string, number>;
  /** How many posts of the period pass the filters, sent or not. */
  total: number;
  channels: { id: string; name: string; network: string; language: string }[];
  questions: { id: string; slug: string; labelFr: string; labelNl: string }[];
  coverage: { channelId: string; coveredDays: number; totalDays: number }[];
  emptyByDate: Record<string, string[]>;
  dayNotes: { id: string; localDate: string; textFr: string; textNl: string; version: number }[];
}


const querySchema = z.object({
  view: z.enum(["month", "week", "agenda"]).catch("month"),
  date: z.string().max(10).optional().catch(undefined),
  // Channel ids are UUIDs: anything else in the URL matches no channel and is dropped.
  channel: z.array(z.string()).transform((ids) => ids.filter((id) => UUID_PATTERN.test(id))),
  // A status or tag that cannot be one (too long, control characters) matches nothing: dropped.
  status: z.array(z.string()).transform((list) => list.filter((s) => s.length <= 32 && !CONTROL_CHARACTERS.test(s))),
  tag: z.array(z.string()).transform((list) => list.filter((s) => s.length <= 120 && !CONTROL_CHARACTERS.test(s))),
  missing: z.enum(["", "any", "fr", "nl"]).catch(""),
});

/** The calendar's URL: the month in the path, the view, the week's date and the filters in the query. */
export function parseCalendarQuery(month: string, search: URLSearchParams): { view: CalendarView; period: CalendarPeriod; filters: CalendarFilters } | null {
  const q = querySchema.parse({
    view: search.get("view") ?? "month",
    date: search.get("date") ?? undefined,
    channel: search.getAll("channel").slice(0, 50),
    status: search.getAll("status").slice(0, 20),
    tag: search.getAll("tag").slice(0, 50),
    missing: search.get("missing") ?? "",
  });
  const period = calendarPeriod(q.view, month, q.date);
  if (!period) return null;
  return { view: q.view, period, filters: { channels: q.channel, statuses: q.status, tags: q.tag, missing: q.missing } };
}

/** The rows that pass the "missing a language" filter (a domain rule, so not in the SQL). */
function passingMissing(rows: CalendarEventRow[], filter: CalendarFilters["missing"]): CalendarEventRow[] {
  return filter === "" ? rows : rows.filter((row) => passesMissingFilter(missingLanguages(row.texts), filter));
}

/**
 * What the calendar shows for a period: its items (one event per FR/NL pair, with the first words of
 * each text; the editor has the whole text) after the filters, the day notes, and for the month the
 * coverage per channel and the empty channels per day.
 */
export async function calendarData(ctx: AppContext, period: CalendarPeriod, filters: CalendarFilters): Promise<CalendarData> {
  const month = brusselsMonthRange(period.month);
  if (!month) throw new Error(`not a month: ${period.month}`);
  const eventFilter = { channelIds: filters.channels, statuses: filters.statuses, tagSlugs: filters.tags };
  // The month grid reads only what its cells can draw, with a count of the rest. "Missing a
  // language" is the domain's rule, not SQL's: with that filter, every post of the period is read.
  const gridOnly = period.view === "month" && filters.missing === "";
  // Coverage counts every post of the month, whatever the filters show. When every post of the month
  // is read anyway (week and agenda views of the whole month, unfiltered), no second read.
  const eventsAreTheMonth =
    !gridOnly && filters.channels.length === 0 && filters.statuses.length === 0 && filters.tags.length === 0 && period.start <= month.start && period.end >= month.end;
  const [side, read, channelDays] = await Promise.all([
    calendarSideData(ctx.db, period.firstDate, period.lastDate),
    gridOnly ? listMonthGridEvents(ctx.db, period, eventFilter, MONTH_CELL_LIMIT) : listCalendarEvents(ctx.db, period, eventFilter).then((events) => ({ events, totalsByDate: null })),
    eventsAreTheMonth ? null : channelDaysWithPosts(ctx.db, month),
  ]);
  const events = passingMissing(read.events, filters.missing);
  const hiddenByDate: Record<string, number> = {};
  let total = events.length;
  if (read.totalsByDate) {
    total = 0;
    for (const [date, count] of read.totalsByDate) {
      total += count;
      if (count > MONTH_CELL_LIMIT) hiddenByDate[date] = count - MONTH_CELL_LIMIT;
    }
  }
  const coverage = channelCoverage(
    datesOfMonth(period.month),
    side.channels.map((c) => c.id),
    channelDays ? channelDays.map((d) => ({ localDate: d.localDate, channelIds: [d.channelId], status: d.status })) : read.events,
  );
  const emptyByDate: Record<string, string[]> = {};
  for (const c of coverage) for (const date of c.emptyDates) (emptyByDate[date] ??= []).push(c.channelId);

  return {
    period,
    filters,
    eventsJson: encodeCalendarEvents(events),
    hiddenByDate,
    total,
    channels: side.channels,
    questions: side.questions,
    coverage: coverage.map(({ channelId, coveredDays, totalDays }) => ({ channelId, coveredDays, totalDays })),
    emptyByDate,
    dayNotes: side.dayNotes,
  };
}
