import { z } from "zod";
import { listChannels } from "../../db/repositories/channels";
import { listItemsInRange } from "../../db/repositories/content-items";
import { listDayNotes } from "../../db/repositories/day-notes";
import { listRecurringQuestions } from "../../db/repositories/recurring-questions";
import { calendarPeriod, type CalendarPeriod, type CalendarView } from "../domain/calendar-range";
import { channelCoverage } from "../domain/coverage";
import { datesOfMonth } from "../domain/time/brussels";
import type { AppContext } from "./context.server";

export interface CalendarFilters {
  channels: string[];
  statuses: string[];
  tags: string[];
  missing: "" | "any" | "fr" | "nl";
}

export interface CalendarEvent {
  id: string;
  start: string;
  localDate: string;
  localTime: string;
  status: string;
  version: number;
  texts: { fr: string; nl: string };
  channelIds: string[];
  tags: string[];
  missing: ("fr" | "nl")[];
}

export interface CalendarData {
  period: CalendarPeriod;
  filters: CalendarFilters;
  events: CalendarEvent[];
  channels: { id: string; name: string; network: string; language: string }[];
  questions: { id: string; slug: string; labelFr: string; labelNl: string }[];
  coverage: { channelId: string; coveredDays: number; totalDays: number }[];
  emptyByDate: Record<string, string[]>;
  dayNotes: { id: string; localDate: string; textFr: string; textNl: string; version: number }[];
}

const querySchema = z.object({
  view: z.enum(["month", "week", "agenda"]).catch("month"),
  date: z.string().max(10).optional(),
  channel: z.array(z.string().max(64)).max(50),
  status: z.array(z.string().max(32)).max(20),
  tag: z.array(z.string().max(120)).max(50),
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

const PREVIEW_CHARS = 160;

/**
 * What the calendar shows for a period: its items (one event per FR/NL pair) after the filters,
 * the day notes, and for the month the coverage per channel and the empty channels per day.
 */
export async function calendarData(ctx: AppContext, period: CalendarPeriod, filters: CalendarFilters): Promise<CalendarData> {
  const [channels, questions, items, notes] = await Promise.all([
    listChannels(ctx.db),
    listRecurringQuestions(ctx.db),
    listItemsInRange(ctx.db, period.start, period.end),
    listDayNotes(ctx.db, period.firstDate, period.lastDate),
  ]);
  const activeChannels = channels.filter((c) => c.active);
  const slugById = new Map(questions.map((q) => [q.id, q.slug]));
  const events: CalendarEvent[] = items.map((item) => {
    const text = (lang: "fr" | "nl") => item.variants.find((v) => v.language === lang)?.text ?? "";
    const missing = (["fr", "nl"] as const).filter((lang) => text(lang).trim() === "");
    return {
      id: item.id,
      start: item.scheduledAt.toISOString(),
      localDate: item.localDate,
      localTime: item.localTime,
      status: item.status,
      version: item.version,
      texts: { fr: text("fr").slice(0, PREVIEW_CHARS), nl: text("nl").slice(0, PREVIEW_CHARS) },
      channelIds: item.channelIds,
      tags: item.tagIds.map((id) => slugById.get(id)).filter((s): s is string => !!s),
      missing,
    };
  });
  const visible = events.filter(
    (e) =>
      (filters.channels.length === 0 || e.channelIds.some((id) => filters.channels.includes(id))) &&
      (filters.statuses.length === 0 || filters.statuses.includes(e.status)) &&
      (filters.tags.length === 0 || e.tags.some((slug) => filters.tags.includes(slug))) &&
      (filters.missing === "" || (filters.missing === "any" ? e.missing.length > 0 : e.missing.includes(filters.missing))),
  );

  const monthDates = datesOfMonth(period.month);
  const monthItems = events.filter((e) => e.localDate.startsWith(period.month));
  const coverage = channelCoverage(monthDates, activeChannels.map((c) => c.id), monthItems);
  const emptyByDate: Record<string, string[]> = {};
  for (const c of coverage) for (const date of c.emptyDates) (emptyByDate[date] ??= []).push(c.channelId);

  return {
    period,
    filters,
    events: visible,
    channels: activeChannels.map((c) => ({ id: c.id, name: c.name, network: c.network, language: c.language })),
    questions: questions.map((q) => ({ id: q.id, slug: q.slug, labelFr: q.label_fr, labelNl: q.label_nl })),
    coverage: coverage.map(({ channelId, coveredDays, totalDays }) => ({ channelId, coveredDays, totalDays })),
    emptyByDate,
    dayNotes: notes.map((n) => ({ id: n.id, localDate: n.local_date, textFr: n.text_fr, textNl: n.text_nl, version: n.version })),
  };
}
