import { describe, expect, it } from "vitest";
import { quantile, responseTimeStats, type ResponseRow } from "./response-times";

const t0 = new Date("2026-07-06T08:00:00Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const row = (channel: string, language: ResponseRow["language"], answeredAfter: number | null, dueAfter: number, noAnswerNeeded = false): ResponseRow => ({
  channel,
  language,
  arrivedAt: t0,
  firstResponseAt: answeredAfter === null ? null : at(answeredAfter),
  dueAt: at(dueAfter),
  noAnswerNeeded,
});

describe("first-response times", () => {
  it("quantiles interpolate between ranks, as PostgreSQL's percentile_cont does", () => {
    expect(quantile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(quantile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBe(91);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });

  it("a month computed by hand: mean, median, 90th percentile and the share within the rule, overall, per language and per channel", () => {
    const now = at(10_000);
    const rows = [
      row("X FR", "fr", 60, 480),
      row("X FR", "fr", 120, 480),
      row("X FR", "fr", 600, 480), // answered late
      row("X FR", "fr", null, 480), // overdue, no answer
      row("X FR", "fr", null, 20_000), // pending
      row("X FR", "fr", null, 480, true), // thanks: no answer needed
      row("X NL", "nl", 30, 480),
      row("X NL", "nl", 90, 480),
    ];
    const [all, fr, nl, xfr, xnl] = responseTimeStats(rows, now);
    expect(all).toEqual({ channel: null, language: null, conversations: 8, answered: 5, pending: 1, noAnswerNeeded: 1, meanMinutes: 180, medianMinutes: 90, p90Minutes: expect.closeTo(408, 9) as unknown, withinRuleShare: 4 / 6 });
    expect(fr).toMatchObject({ language: "fr", conversations: 6, answered: 3, meanMinutes: 260, medianMinutes: 120, withinRuleShare: 2 / 4 });
    expect(nl).toMatchObject({ language: "nl", answered: 2, meanMinutes: 60, medianMinutes: 60, p90Minutes: expect.closeTo(84, 9) as unknown, withinRuleShare: 1 });
    expect(xfr).toMatchObject({ channel: "X FR", language: "fr", conversations: 6 });
    expect(xnl).toMatchObject({ channel: "X NL", language: "nl", conversations: 2 });
  });

  it("an empty month has no figures rather than zeros", () => {
    expect(responseTimeStats([], t0)).toEqual([{ channel: null, language: null, conversations: 0, answered: 0, pending: 0, noAnswerNeeded: 0, meanMinutes: null, medianMinutes: null, p90Minutes: null, withinRuleShare: null }]);
  });
});
