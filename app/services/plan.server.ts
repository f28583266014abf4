import { listChannels } from "../../db/repositories/channels";
import { listItemsInRange } from "../../db/repositories/content-items";
import { listDayNotes } from "../../db/repositories/day-notes";
import { listTagsForItems } from "../../db/repositories/recurring-questions";
import { channelCoverage } from "../domain/coverage";
import { brusselsMonthOf, brusselsMonthRange, datesOfMonth, shiftMonth } from "../domain/time/brussels";
import type { AppContext } from "./context.server";

export interface MonthPlan {
  month: string;
  previousMonth: string;
  nextMonth: string;
  channels: { id: string; name: string; network: string; language: string; handle: string }[];
  items: {
    id: string;
    localDate: string;
    localTime: string;
    status: string;
    sourceLanguage: "fr" | "nl";
    texts: Partial<Record<"fr" | "nl" | "de", string>>;
    channelIds: string[];
    tags: { slug: string; labelFr: string; labelNl: string }[];
  }[];
  dayNotes: { id: string; localDate: string; textFr: string; textNl: string }[];
  coverage: { channelId: string; coveredDays: number; totalDays: number; emptyDates: string[] }[];
}

/** The current Brussels month, `yyyy-MM`. */
export function currentMonth(ctx: AppContext): string {
  return brusselsMonthOf(ctx.now());
}

/** Everything the month overview shows: items with texts, channels and tags, day notes, coverage. */
export async function monthPlan(ctx: AppContext, month: string): Promise<MonthPlan | null> {
  const range = brusselsMonthRange(month);
  if (!range) return null;
  const dates = datesOfMonth(month);
  const [channels, items, notes] = await Promise.all([
    listChannels(ctx.db, { activeOnly: true }),
    listItemsInRange(ctx.db, range.start, range.end),
    listDayNotes(ctx.db, dates[0] as string, dates[dates.length - 1] as string),
  ]);
  const tags = await listTagsForItems(ctx.db, items.map((i) => i.id));
  return {
    month,
    previousMonth: shiftMonth(month, -1),
    nextMonth: shiftMonth(month, 1),
    channels: channels.map((c) => ({ id: c.id, name: c.name, network: c.network, language: c.language, handle: c.handle })),
    items: items.map((i) => ({
      id: i.id,
      localDate: i.localDate,
      localTime: i.localTime,
      status: i.status,
      sourceLanguage: i.sourceLanguage,
      texts: Object.fromEntries((["fr", "nl"] as const).filter((l) => i.texts[l].trim() !== "").map((l) => [l, i.texts[l]])),
      channelIds: i.channelIds,
      tags: tags.filter((t) => t.contentItemId === i.id).map(({ slug, labelFr, labelNl }) => ({ slug, labelFr, labelNl })),
    })),
    dayNotes: notes.map((n) => ({ id: n.id, localDate: n.local_date, textFr: n.text_fr, textNl: n.text_nl })),
    coverage: channelCoverage(
      dates,
      channels.map((c) => c.id),
      items,
    ),
  };
}
