import { describe, expect, it } from "vitest";
import { bilingualText, canArchive, canDelete, decideSchedule } from "./item-schedule";

const NOW = new Date("2026-11-24T09:00:00Z"); // 10:00 in Brussels

describe("decideSchedule", () => {
  it("accepts a future Brussels time and gives the instant", () => {
    expect(decideSchedule({ now: NOW, status: "draft", localDate: "2026-12-01", localTime: "09:30" })).toMatchObject({
      ok: true,
      scheduledAt: new Date("2026-12-01T08:30:00Z"),
    });
  });

  it.each([
    ["the past", "2026-11-23", "12:00", { reason: "past" }],
    ["now exactly", "2026-11-24", "10:00", { reason: "past" }],
    ["a DST gap, with a proposal", "2027-03-28", "02:30", { reason: "nonexistent", proposal: { localDate: "2027-03-28", localTime: "03:00" } }],
    ["an impossible date", "2026-02-30", "10:00", { reason: "invalid" }],
  ])("refuses %s", (_, localDate, localTime, refusal) => {
    expect(decideSchedule({ now: NOW, status: "scheduled", localDate, localTime })).toEqual({ ok: false, refusal });
  });

  it("one minute from now is fine", () => {
    expect(decideSchedule({ now: NOW, status: "draft", localDate: "2026-11-24", localTime: "10:01" }).ok).toBe(true);
  });

  it.each(["published", "partly_failed", "archived"])("a %s item cannot move", (status) => {
    expect(decideSchedule({ now: NOW, status, localDate: "2026-12-01", localTime: "09:00" })).toEqual({ ok: false, refusal: { reason: "fixed", status } });
  });

  it("the October fold: first occurrence by default, second on request", () => {
    const first = decideSchedule({ now: NOW, status: "draft", localDate: "2027-10-31", localTime: "02:30" });
    const second = decideSchedule({ now: NOW, status: "draft", localDate: "2027-10-31", localTime: "02:30", occurrence: "second" });
    expect(first.ok && second.ok && second.scheduledAt.getTime() - first.scheduledAt.getTime()).toBe(3600_000);
  });
});

describe("item life rules", () => {
  it("only what never went out is deleted; what went out is archived", () => {
    expect(canDelete("draft")).toBe(true);
    expect(canDelete("scheduled")).toBe(true);
    expect(canDelete("published")).toBe(false);
    expect(canArchive("published")).toBe(true);
    expect(canArchive("draft")).toBe(false);
  });

  it("a bilingual text puts both languages, in the chosen order", () => {
    expect(bilingualText({ fr: "Bonjour ", nl: "Hallo" })).toBe("Bonjour\n\nHallo");
    expect(bilingualText({ fr: "Bonjour", nl: "Hallo" }, "nl-fr")).toBe("Hallo\n\nBonjour");
    expect(bilingualText({ fr: "Bonjour", nl: "" })).toBe("Bonjour");
  });
});
