import { describe, expect, it } from "vitest";
import { calendarPeriod, reviewPeriod } from "./calendar-range";

describe("calendarPeriod", () => {
  it("a month view covers whole Monday-to-Sunday weeks, in Brussels time", () => {
    const p = calendarPeriod("month", "2026-12")!;
    expect([p.firstDate, p.lastDate]).toEqual(["2026-11-30", "2027-01-03"]);
    expect(p.start.toISOString()).toBe("2026-11-29T23:00:00.000Z");
    expect(p.end.toISOString()).toBe("2027-01-03T23:00:00.000Z");
    expect(p.previous.month).toBe("2026-11");
    expect(p.next.month).toBe("2027-01");
  });

  it("a week view across the October fold is 169 hours long", () => {
    const p = calendarPeriod("week", "2026-10", "2026-10-28")!;
    expect([p.firstDate, p.lastDate]).toEqual(["2026-10-26", "2026-11-01"]);
    const q = calendarPeriod("week", "2026-10", "2026-10-22")!;
    expect([q.firstDate, q.lastDate]).toEqual(["2026-10-19", "2026-10-25"]);
    expect((q.end.getTime() - q.start.getTime()) / 3600_000).toBe(169);
    expect(q.next.anchorDate).toBe("2026-10-26");
  });

  it("the agenda is the month itself", () => {
    const p = calendarPeriod("agenda", "2026-02")!;
    expect([p.firstDate, p.lastDate]).toEqual(["2026-02-01", "2026-02-28"]);
  });

  it.each([["2026-13"], ["2026-1"], ["abcd-ef"], ["1999-12"]])("refuses the month %s", (month) => {
    expect(calendarPeriod("month", month)).toBeNull();
  });

  it("refuses a malformed anchor date", () => {
    expect(calendarPeriod("week", "2026-10", "2026-10-32")).toBeNull();
    expect(calendarPeriod("week", "2026-10", "yesterday")).toBeNull();
  });
});

describe("reviewPeriod", () => {
  // Tuesday 24 November 2026, 10:00 in Brussels.
  const now = new Date("2026-11-24T09:00:00Z");
  const days = (q: Parameters<typeof reviewPeriod>[0]) => {
    const p = reviewPeriod(q, now);
    return [p.from.toFormat("yyyy-MM-dd"), p.to.toFormat("yyyy-MM-dd")];
  };
  const none = { month: null, from: null, to: null, weeks: null };
  it("reads a month, a range, a number of weeks, or this week", () => {
    expect(days({ ...none, month: "2026-12" })).toEqual(["2026-12-01", "2027-01-01"]);
    expect(days({ ...none, from: "2026-12-07", to: "2026-12-14" })).toEqual(["2026-12-07", "2026-12-14"]);
    expect(days({ ...none, from: "2026-12-07", weeks: "2" })).toEqual(["2026-12-07", "2026-12-21"]);
    expect(days(none)).toEqual(["2026-11-23", "2026-11-30"]);
    expect(days({ ...none, from: "2026-12-01", to: "2027-06-01" })).toEqual(["2026-12-01", "2027-02-01"]);
    expect(days({ ...none, month: "2026-13", from: "bad" })).toEqual(["2026-11-23", "2026-11-30"]);
  });
});
