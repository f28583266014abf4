/**
 * The team's rule: at least one post a day on every active channel. Given the dates of a month
 * and the items planned in it, which channel-days are covered and which are still empty.
 */
export interface CoverageItem {
  localDate: string;
  channelIds: readonly string[];
  status: string;
}

export interface ChannelCoverage {
  channelId: string;
  coveredDays: number;
  totalDays: number;
  emptyDates: string[];
}

/** Statuses that no longer put a post on the calendar. */
const NOT_COUNTED = new Set(["archived", "failed"]);

export function channelCoverage(dates: readonly string[], channelIds: readonly string[], items: readonly CoverageItem[]): ChannelCoverage[] {
  const covered = new Map<string, Set<string>>(channelIds.map((id) => [id, new Set()]));
  for (const item of items) {
    if (NOT_COUNTED.has(item.status)) continue;
    for (const channelId of item.channelIds) covered.get(channelId)?.add(item.localDate);
  }
  return channelIds.map((channelId) => {
    const days = covered.get(channelId) ?? new Set<string>();
    const emptyDates = dates.filter((d) => !days.has(d));
    return { channelId, coveredDays: dates.length - emptyDates.length, totalDays: dates.length, emptyDates };
  });
}
