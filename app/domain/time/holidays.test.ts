import { describe, expect, it } from "vitest";
import { addBusinessDays, isBusinessDay } from "./business-days";
import { belgianHolidays, easterSunday } from "./holidays";

// Reference vectors from shared/reference/domain.md §3.3.
const movable = [
  { year: 2025, easter: "2025-04-20", easterMonday: "2025-04-21", ascension: "2025-05-29", whitMonday: "2025-06-09" },
  { year: 2026, easter: "2026-04-05", easterMonday: "2026-04-06", ascension: "2026-05-14", whitMonday: "2026-05-25" },
  { year: 2027, easter: "2027-03-28", easterMonday: "2027-03-29", ascension: "2027-05-06", whitMonday: "2027-05-17" },
  { year: 2028, easter: "2028-04-16", easterMonday: "2028-04-17", ascension: "2028-05-25", whitMonday: "2028-06-05" },
  { year: 2029, easter: "2029-04-01", easterMonday: "2029-04-02", ascension: "2029-05-10", whitMonday: "2029-05-21" },
  { year: 2030, easter: "2030-04-21", easterMonday: "2030-04-22", ascension: "2030-05-30", whitMonday: "2030-06-10" },
];

describe("Belgian legal holidays 2025–2030", () => {
  for (const v of movable) {
    it(`${v.year}: Easter and the Easter-based holidays`, () => {
      expect(easterSunday(v.year)).toBe(v.easter);
      const byKey = Object.fromEntries(belgianHolidays(v.year).map((h) => [h.key, h.localDate]));
      expect(byKey["easter-monday"]).toBe(v.easterMonday);
      expect(byKey["ascension"]).toBe(v.ascension);
      expect(byKey["whit-monday"]).toBe(v.whitMonday);
    });
    it(`${v.year}: ten legal holidays with the fixed dates, thirteen for the federal service`, () => {
      const legal = belgianHolidays(v.year);
      expect(legal).toHaveLength(10);
      expect(legal.map((h) => h.localDate)).toEqual(
        expect.arrayContaining([
          `${v.year}-01-01`,
          `${v.year}-05-01`,
          `${v.year}-07-21`,
          `${v.year}-08-15`,
          `${v.year}-11-01`,
          `${v.year}-11-11`,
          `${v.year}-12-25`,
        ]),
      );
      const federal = belgianHolidays(v.year, { federal: true });
      expect(federal).toHaveLength(13);
      expect(federal.filter((h) => h.kind === "federal").map((h) => h.localDate)).toEqual([
        `${v.year}-11-02`,
        `${v.year}-11-15`,
        `${v.year}-12-26`,
      ]);
    });
  }

  it("refuses years outside the Gregorian computus range", () => {
    expect(() => belgianHolidays(1500)).toThrow(RangeError);
  });
});

describe("business days", () => {
  it.each([
    // One business day after Friday 10 July 2026 is Monday 13 July.
    ["2026-07-10", 1, "2026-07-13"],
    // Tuesday 21 July 2026 (national day) is skipped.
    ["2026-07-20", 1, "2026-07-22"],
    // Easter Monday 2026 after the weekend: Friday 3 April + 1 → Tuesday 7 April.
    ["2026-04-03", 1, "2026-04-07"],
    // Ascension 2026 is Thursday 14 May: Wednesday 13 + 1 → Friday 15.
    ["2026-05-13", 1, "2026-05-15"],
    // Christmas 2026 is a Friday: Thursday 24 + 1 → Monday 28.
    ["2026-12-24", 1, "2026-12-28"],
    // Going back two business days across Easter Monday 2027 and a weekend.
    ["2027-03-30", -2, "2027-03-25"],
    // Two business days before Wednesday 22 July 2026: Monday 20 (21 is a holiday).
    ["2026-07-22", -2, "2026-07-17"],
    // New year 2030 is a Tuesday: Monday 31 Dec 2029 + 1 → Wednesday 2 Jan.
    ["2029-12-31", 1, "2030-01-02"],
    ["2025-11-10", 1, "2025-11-12"],
    ["2028-05-24", 1, "2028-05-26"],
    ["2026-07-10", 0, "2026-07-10"],
  ])("%s %+d business days → %s", (from, days, expected) => {
    expect(addBusinessDays(from, days)).toBe(expected);
  });

  it("counts the federal extras only for a federal calendar", () => {
    // 2 November 2026 is a Monday.
    expect(isBusinessDay("2026-11-02")).toBe(true);
    expect(isBusinessDay("2026-11-02", { federal: true, extraClosedDays: new Set() })).toBe(false);
    expect(addBusinessDays("2026-10-30", 1, { federal: true, extraClosedDays: new Set() })).toBe("2026-11-03");
  });

  it("skips extra closed days given as data (bridge days, year-end compensation)", () => {
    const calendar = { federal: true, extraClosedDays: new Set(["2027-12-27", "2027-12-28", "2027-12-29", "2027-12-30", "2027-12-31"]) };
    // Friday 24 Dec 2027 → Christmas Saturday, 26 Dec Sunday, 27–31 closed, 1 Jan 2028 Saturday → Monday 3 Jan 2028.
    expect(addBusinessDays("2027-12-24", 1, calendar)).toBe("2028-01-03");
  });

  it("has exactly the expected number of business days in each year 2025–2030", () => {
    const counts: Record<number, number> = {};
    for (let year = 2025; year <= 2030; year++) {
      let n = 0;
      for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d.setUTCDate(d.getUTCDate() + 1)) {
        if (isBusinessDay(d.toISOString().slice(0, 10))) n++;
      }
      counts[year] = n;
    }
    // Weekdays of the year minus the legal holidays that fall on a weekday.
    expect(counts).toEqual({ 2025: 252, 2026: 253, 2027: 254, 2028: 252, 2029: 253, 2030: 252 });
  });
});
