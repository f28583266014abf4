import { groupBy } from "./collections";

/** What the month grid needs of an event to choose which to draw. */
export interface GridEvent {
  id: string;
  start: Date;
  data: { localDate: string };
}

/**
 * A month cell shows a handful of posts and "+N more"; a full month has a thousand. The month grid
 * receives at most this many posts a day (more never fit in a cell of the grid's fixed height), and
 * the rest are counted into "+N more". react-big-calendar lays out every event it receives with
 * the localizer's date arithmetic on each render, so this keeps a full month fast to draw and to
 * redraw after a drop.
 */
export const MONTH_CELL_LIMIT = 10;

/** The month grid's events, and per Brussels date how many were left out of it. */
export function monthGridEvents<E extends GridEvent>(events: E[], limit = MONTH_CELL_LIMIT): { shown: E[]; hiddenByDate: Map<string, number> } {
  const byDate = groupBy(events, (e) => e.data.localDate);
  const shown: E[] = [];
  const hiddenByDate = new Map<string, number>();
  for (const [date, list] of byDate) {
    if (list.length <= limit) {
      shown.push(...list);
      continue;
    }
    list.sort((a, b) => a.start.getTime() - b.start.getTime() || (a.id < b.id ? -1 : 1));
    shown.push(...list.slice(0, limit));
    hiddenByDate.set(date, list.length - limit);
  }
  return { shown, hiddenByDate };
}

