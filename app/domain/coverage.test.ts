import { describe, expect, it } from "vitest";
import { channelCoverage } from "./coverage";

describe("channelCoverage", () => {
  const dates = ["2026-12-01", "2026-12-02", "2026-12-03"];

  it("counts a day once per channel however many posts it has, and lists the empty days", () => {
    const result = channelCoverage(dates, ["fr", "nl"], [
      { localDate: "2026-12-01", channelIds: ["fr", "nl"], status: "scheduled" },
      { localDate: "2026-12-01", channelIds: ["fr"], status: "draft" },
      { localDate: "2026-12-03", channelIds: ["fr"], status: "published" },
    ]);
    expect(result).toEqual([
      { channelId: "fr", coveredDays: 2, totalDays: 3, emptyDates: ["2026-12-02"] },
      { channelId: "nl", coveredDays: 1, totalDays: 3, emptyDates: ["2026-12-02", "2026-12-03"] },
    ]);
  });

  it("archived and failed posts do not cover a day; unknown channels are ignored", () => {
    const result = channelCoverage(dates, ["fr"], [
      { localDate: "2026-12-01", channelIds: ["fr"], status: "archived" },
      { localDate: "2026-12-02", channelIds: ["fr"], status: "failed" },
      { localDate: "2026-12-03", channelIds: ["gone"], status: "scheduled" },
    ]);
    expect(result[0]?.coveredDays).toBe(0);
  });
});
