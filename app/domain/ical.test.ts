import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { buildCalendarFeed, escapeText, foldLine, type FeedItem } from "./ical";

const labels = { status: (s: string) => s.toUpperCase(), french: "Français", dutch: "Néerlandais", channels: "Canaux", tags: "Questions", open: "Ouvrir" };
const item = (over: Partial<FeedItem>): FeedItem => ({
  id: "00000000-0000-4000-8000-000000000001",
  start: new Date("2026-12-01T08:00:00Z"),
  localDate: "2026-12-01",
  localTime: "09:00",
  occurrence: "first",
  status: "scheduled",
  version: 3,
  updatedAt: new Date("2026-11-20T10:00:00Z"),
  textFr: "Votre déclaration, simplifiée ; en ligne",
  textNl: "Uw aangifte, vereenvoudigd; online",
  channelNames: ["X FR", "X NL"],
  tags: ["declaration-tax-on-web"],
  ...over,
});

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const zone = calendar.getFirstSubcomponent("vtimezone")!;
  ICAL.TimezoneService.register(zone);
  return calendar.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
}

describe("the iCalendar feed", () => {
  it("escapes text values and folds long lines at 75 octets without splitting a character", () => {
    expect(escapeText("a,b;c\\d\ne\u0007")).toBe("a\\,b\\;c\\\\d\\ne");
    const folded = foldLine(`SUMMARY:${"é".repeat(60)}`);
    for (const line of folded.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(folded.split("\r\n ").join("")).toBe(`SUMMARY:${"é".repeat(60)}`);
  });

  it("is read by an independent parser: each item at its Brussels time, both texts, the link back, day notes all day", () => {
    const items = [
      item({}),
      // The night the clocks go back: the first 02:30 (CEST) and the second (CET).
      item({ id: "00000000-0000-4000-8000-000000000002", start: new Date("2026-10-25T00:30:00Z"), localDate: "2026-10-25", localTime: "02:30" }),
      item({ id: "00000000-0000-4000-8000-000000000003", start: new Date("2026-10-25T01:30:00Z"), localDate: "2026-10-25", localTime: "02:30", occurrence: "second" }),
      // Summer time.
      item({ id: "00000000-0000-4000-8000-000000000004", start: new Date("2026-07-01T07:15:00Z"), localDate: "2026-07-01", localTime: "09:15", textFr: "", textNl: "Alleen in het Nederlands" }),
    ];
    const text = buildCalendarFeed(items, [{ id: "n1", localDate: "2026-12-15", textFr: "Tax-on-web ouvre", textNl: "Tax-on-web opent", version: 1 }], {
      name: "Cadence — plan",
      language: "fr",
      baseUrl: "https://cadence.example.be",
      now: new Date("2026-11-30T12:00:00Z"),
      labels,
    });
    expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    const events = parse(text);
    expect(events).toHaveLength(5);
    const byUid = new Map(events.map((e) => [e.uid, e]));
    const first = byUid.get("item-00000000-0000-4000-8000-000000000001@cadence")!;
    expect(first.startDate.toJSDate().toISOString()).toBe("2026-12-01T08:00:00.000Z");
    expect(first.summary).toBe("[SCHEDULED] Votre déclaration, simplifiée ; en ligne");
    expect(first.description).toContain("Français: Votre déclaration, simplifiée ; en ligne");
    expect(first.description).toContain("Néerlandais: Uw aangifte, vereenvoudigd; online");
    expect(first.description).toContain("Ouvrir: https://cadence.example.be/items/00000000-0000-4000-8000-000000000001");
    expect(first.component.getFirstPropertyValue("url")).toBe("https://cadence.example.be/items/00000000-0000-4000-8000-000000000001");
    expect(first.sequence).toBe(3);
    expect(byUid.get("item-00000000-0000-4000-8000-000000000002@cadence")!.startDate.toJSDate().toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(byUid.get("item-00000000-0000-4000-8000-000000000003@cadence")!.startDate.toJSDate().toISOString()).toBe("2026-10-25T01:30:00.000Z");
    const summer = byUid.get("item-00000000-0000-4000-8000-000000000004@cadence")!;
    expect(summer.startDate.toJSDate().toISOString()).toBe("2026-07-01T07:15:00.000Z");
    expect(summer.summary).toBe("[SCHEDULED] Alleen in het Nederlands");
    const note = byUid.get("note-n1@cadence")!;
    expect(note.startDate.isDate).toBe(true);
    expect(note.startDate.toString()).toBe("2026-12-15");
    expect(note.summary).toBe("◆ Tax-on-web ouvre");
  });
});
