import { describe, expect, it } from "vitest";
import { decodeCalendarEvents, encodeCalendarEvents, missingLanguages, passesMissingFilter } from "./calendar-event";

describe("missing languages and the calendar's filter", () => {
  it("counts a blank text as missing", () => {
    expect(missingLanguages({ fr: "Texte", nl: "  " })).toEqual(["nl"]);
    expect(missingLanguages({ fr: "", nl: "" })).toEqual(["fr", "nl"]);
    expect(missingLanguages({ fr: "a", nl: "b" })).toEqual([]);
  });

  it.each([
    [[], "", true],
    [[], "any", false],
    [["nl"], "any", true],
    [["nl"], "nl", true],
    [["nl"], "fr", false],
  ] as const)("missing %j with filter %j → %s", (missing, filter, expected) => {
    expect(passesMissingFilter(missing, filter)).toBe(expected);
  });
});

describe("the events' wire form", () => {
  const a = "0b3f2a6e-1d4b-4a8e-9a57-2c1f0b7d9e11";
  const b = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
  const events = [
    { id: "i1", start: Date.parse("2026-10-25T01:30:00.000Z"), localDate: "2026-10-25", localTime: "02:30", status: "scheduled", version: 3, texts: { fr: "Déclaration « simplifiée » \"2026\"", nl: "" }, channelIds: [a, b], tags: ["refund"], thumb: "c".repeat(64) },
    { id: "i2", start: Date.parse("2026-12-01T08:00:00.000Z"), localDate: "2026-12-01", localTime: "09:00", status: "draft", version: 1, texts: { fr: " ", nl: "Aangifte 👍🏽" }, channelIds: [b], tags: [], thumb: null },
  ];

  it("decodes to the same events, with the missing languages derived", () => {
    const decoded = decodeCalendarEvents(encodeCalendarEvents(events));
    expect(decoded).toEqual([
      { ...events[0], missing: ["nl"] },
      { ...events[1], missing: ["fr"] },
    ]);
  });

  it("writes each channel id once", () => {
    const wire = encodeCalendarEvents(events);
    expect(wire.split(b).length - 1).toBe(1);
    expect(decodeCalendarEvents(encodeCalendarEvents([]))).toEqual([]);
  });
});
