import { describe, expect, it } from "vitest";
import { missingLanguages, passesMissingFilter } from "./calendar-event";

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
