import { DateTime, Settings } from "luxon";
import { luxonLocalizer } from "react-big-calendar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BRUSSELS_ZONE } from "../../domain/time/brussels";
import { DayStarts, fastLocalizer, type RuntimeLocalizer } from "./fast-localizer";

// The calendar's own setting (cadence-calendar.tsx): luxon's default zone is Brussels.
const previousZone = Settings.defaultZone;
beforeAll(() => {
  Settings.defaultZone = BRUSSELS_ZONE;
});
afterAll(() => {
  Settings.defaultZone = previousZone;
});

const brussels = (iso: string) => DateTime.fromISO(iso, { zone: BRUSSELS_ZONE }).toJSDate();

/** Instants every `stepMinutes` from `from` (Brussels) for `hours`, with a few odd seconds and milliseconds. */
function instants(from: string, hours: number, stepMinutes: number): Date[] {
  const start = brussels(from).getTime();
  const list: Date[] = [];
  for (let m = 0; m <= hours * 60; m += stepMinutes) list.push(new Date(start + m * 60_000 + (m % 7 === 0 ? 59_999 : m % 5 === 0 ? 1 : 0)));
  return list;
}

// Both DST changes of 2026 (29 March: 02:00 → 03:00; 25 October: 03:00 → 02:00), an ordinary
// month end, and a year end: two days on each side, every 25 minutes (so the times drift through
// every quarter-hour), plus every start of day.
const AROUND = ["2026-03-27T00:00", "2026-10-23T00:00", "2026-06-29T00:00", "2026-12-30T00:00"];
const SAMPLES = AROUND.flatMap((from) => [
  ...instants(from, 96, 25),
  ...Array.from({ length: 5 }, (_, d) => DateTime.fromISO(from, { zone: BRUSSELS_ZONE }).plus({ days: d }).toJSDate()),
]);

describe("fastLocalizer", () => {
  const base = luxonLocalizer(DateTime, { firstDayOfWeek: 1 }) as unknown as RuntimeLocalizer;
  const fast = fastLocalizer(luxonLocalizer(DateTime, { firstDayOfWeek: 1 }), BRUSSELS_ZONE) as unknown as RuntimeLocalizer;

  it("finds each instant's start of day, and the next, as luxon does, around both DST changes", () => {
    const days = new DayStarts(BRUSSELS_ZONE);
    for (const date of SAMPLES) {
      const dt = DateTime.fromJSDate(date, { zone: BRUSSELS_ZONE });
      expect(days.startOf(date.getTime())).toBe(dt.startOf("day").toMillis());
      expect(days.nextStart(date.getTime())).toBe(dt.startOf("day").plus({ days: 1 }).toMillis());
      expect(days.monthStartOf(date.getTime())).toBe(dt.startOf("month").toMillis());
    }
    // The day of the spring change has 23 hours, the autumn one 25.
    expect(days.nextStart(brussels("2026-03-29T12:00").getTime()) - days.startOf(brussels("2026-03-29T12:00").getTime())).toBe(23 * 3_600_000);
    expect(days.nextStart(brussels("2026-10-25T12:00").getTime()) - days.startOf(brussels("2026-10-25T12:00").getTime())).toBe(25 * 3_600_000);
  });

  // CPU-bound (tens of thousands of comparisons, ~10 s alone): room for the other test files running beside it.
  it("answers every comparison, start of day, ceiling, range and day difference as react-big-calendar's luxon localizer", () => {
    const units = [undefined, "day", "minutes", "milliseconds", "month"];
    let checked = 0;
    // Pairs from the samples: each with its neighbours up to two days on, which covers both sides of each change.
    for (let i = 0; i < SAMPLES.length; i += 3) {
      const a = SAMPLES[i]!;
      for (let j = Math.max(0, i - 40); j < Math.min(SAMPLES.length, i + 140); j += 11) {
        const b = SAMPLES[j]!;
        for (const unit of units) {
          for (const name of ["eq", "neq", "lt", "lte", "gt", "gte"] as const) expect(fast[name](a, b, unit as never), `${name}(${a.toISOString()}, ${b.toISOString()}, ${unit})`).toBe(base[name](a, b, unit as never));
        }
        expect(fast.diff(a, b, "day"), `diff(${a.toISOString()}, ${b.toISOString()})`).toBe(base.diff(a, b, "day"));
        expect(fast.diff(a, b), `diff(${a.toISOString()}, ${b.toISOString()})`).toBe(base.diff(a, b));
        expect(fast.diff(fast.startOf(a, "day"), fast.startOf(b, "day"), "day")).toBe(base.diff(base.startOf(a, "day"), base.startOf(b, "day"), "day"));
        expect(fast.diff(a, fast.ceil(b, "day"), "day")).toBe(base.diff(a, base.ceil(b, "day"), "day"));
        expect(fast.isSameDate(a, b)).toBe(base.isSameDate(a, b));
        expect(fast.min(a, b).getTime()).toBe(base.min(a, b).getTime());
        expect(fast.max(a, b).getTime()).toBe(base.max(a, b).getTime());
        expect(fast.daySpan(a, b)).toBeCloseTo(base.daySpan(a, b), 12);
        expect(fast.continuesPrior(a, b)).toBe(base.continuesPrior(a, b));
        expect(fast.continuesAfter(a, a, b)).toBe(base.continuesAfter(a, a, b));
        const c = SAMPLES[Math.min(SAMPLES.length - 1, j + 11)]!;
        expect(fast.inRange(a, b, c)).toBe(base.inRange(a, b, c));
        expect(fast.inRange(a, b, c, "minutes")).toBe(base.inRange(a, b, c, "minutes"));
        expect(fast.inRange(a, b, c, "month")).toBe(base.inRange(a, b, c, "month"));
        const event = { start: a, end: new Date(a.getTime() + ((j % 3) * 30 + (j % 2)) * 60_000), allDay: j % 5 === 0 };
        const other = { start: b, end: new Date(b.getTime() + 30 * 60_000) };
        expect(fast.inEventRange({ event, range: { start: b, end: c } })).toBe(base.inEventRange({ event, range: { start: b, end: c } }));
        // The edges: a range that starts as the post ends, and a post of no duration at a start of day.
        const edge = { start: event.end, end: c };
        expect(fast.inEventRange({ event, range: edge })).toBe(base.inEventRange({ event, range: edge }));
        const instant = { start: fast.startOf(a, "day"), end: fast.startOf(a, "day") };
        expect(fast.inEventRange({ event: instant, range: { start: instant.end, end: b } })).toBe(base.inEventRange({ event: instant, range: { start: instant.end, end: b } }));
        expect(Math.sign(fast.sortEvents({ evtA: event, evtB: other }))).toBe(Math.sign(base.sortEvents({ evtA: event, evtB: other })));
        checked++;
      }
      const day = base.startOf(a, "day");
      for (const n of [-3, -1, 0, 1, 2, 7]) {
        expect(fast.add(day, n, "day").getTime(), `add(${day.toISOString()}, ${n}, day)`).toBe(base.add(day, n, "day").getTime());
        expect(fast.add(a, n, "day").getTime(), `add(${a.toISOString()}, ${n}, day)`).toBe(base.add(a, n, "day").getTime());
        expect(fast.add(day, n, "minutes").getTime()).toBe(base.add(day, n, "minutes").getTime());
      }
      const until = SAMPLES[Math.min(SAMPLES.length - 1, i + 60)]!;
      expect(fast.range(day, until, "day").map((d) => d.getTime()), `range(${day.toISOString()}, ${until.toISOString()})`).toEqual(base.range(day, until, "day").map((d) => d.getTime()));
      for (const unit of units) {
        expect(fast.startOf(a, unit as never).getTime(), `startOf(${a.toISOString()}, ${unit})`).toBe(base.startOf(a, unit as never).getTime());
        expect(fast.ceil(a, unit as never).getTime(), `ceil(${a.toISOString()}, ${unit})`).toBe(base.ceil(a, unit as never).getTime());
      }
    }
    expect(checked).toBeGreaterThan(2000);
  }, 120_000);

  it("leaves everything else to luxon: formats, months, weeks, adding", () => {
    const date = brussels("2026-10-25T02:30");
    expect(fast.format(date, "cccc d LLLL HH:mm", "fr")).toBe(base.format(date, "cccc d LLLL HH:mm", "fr"));
    expect(fast.add(date, 1, "day").getTime()).toBe(base.add(date, 1, "day").getTime());
    expect(fast.startOf(date, "week" as never).getTime()).toBe(base.startOf(date, "week" as never).getTime());
    // The month grid's days, for every month of 2026 (both DST changes fall inside March and October's grids).
    for (let month = 1; month <= 12; month++) {
      const first = DateTime.fromObject({ year: 2026, month, day: 15 }, { zone: BRUSSELS_ZONE }).toJSDate();
      expect(fast.visibleDays(first, fast).map((d) => d.getTime())).toEqual(base.visibleDays(first, base).map((d) => d.getTime()));
    }
    expect(fast.visibleDays(date, fast)).toHaveLength(35);
    expect(fast.eq(date, brussels("2026-10-01T00:00"), "month")).toBe(true);
    expect(fast.segmentOffset).toBe(base.segmentOffset);
    // An invalid date gets luxon's own answer, not a number.
    expect(fast.eq(new Date(NaN), date, "day")).toBe(base.eq(new Date(NaN), date, "day"));
    expect(fast.inEventRange({ event: { start: new Date(NaN), end: date }, range: { start: date, end: date } })).toBe(base.inEventRange({ event: { start: new Date(NaN), end: date }, range: { start: date, end: date } }));
  });
});
