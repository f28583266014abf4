import { IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import { BRUSSELS_ZONE, brusselsMonthRange, datesOfMonth, resolveLocalTime, toBrusselsLocal } from "./brussels";

// Last Sunday of March and of October, Europe/Brussels, from Directive 2000/84/EC.
const transitions = [
  { year: 2025, spring: "2025-03-30", autumn: "2025-10-26" },
  { year: 2026, spring: "2026-03-29", autumn: "2026-10-25" },
  { year: 2027, spring: "2027-03-28", autumn: "2027-10-31" },
  { year: 2028, spring: "2028-03-26", autumn: "2028-10-29" },
  { year: 2029, spring: "2029-03-25", autumn: "2029-10-28" },
  { year: 2030, spring: "2030-03-31", autumn: "2030-10-27" },
];

describe("resolveLocalTime: spring-forward gaps 2025–2030", () => {
  for (const { spring } of transitions) {
    for (const time of ["02:00", "02:30", "02:59"]) {
      it(`${spring} ${time} does not exist and 03:00 is proposed`, () => {
        expect(resolveLocalTime(spring, time)).toEqual({
          ok: false,
          reason: "nonexistent",
          proposal: { localDate: spring, localTime: "03:00" },
        });
      });
    }
    it(`${spring} 01:59 is CET and 03:00 is CEST, one minute apart`, () => {
      const before = resolveLocalTime(spring, "01:59");
      const after = resolveLocalTime(spring, "03:00");
      expect(before.ok && before.offsetMinutes).toBe(60);
      expect(after.ok && after.offsetMinutes).toBe(120);
      expect(before.ok && after.ok && after.scheduledAt.getTime() - before.scheduledAt.getTime()).toBe(60_000);
      expect(after.ok && after.scheduledAt.toISOString()).toBe(`${spring}T01:00:00.000Z`);
    });
  }
});

describe("resolveLocalTime: autumn folds 2025–2030", () => {
  for (const { autumn } of transitions) {
    it(`${autumn} 02:30 is ambiguous and means the first (CEST) occurrence by default`, () => {
      const first = resolveLocalTime(autumn, "02:30");
      expect(first).toMatchObject({ ok: true, ambiguous: true, occurrence: "first", offsetMinutes: 120 });
      expect(first.ok && first.scheduledAt.toISOString()).toBe(`${autumn}T00:30:00.000Z`);
    });
    it(`${autumn} 02:30 second occurrence is CET, one hour later`, () => {
      const second = resolveLocalTime(autumn, "02:30", { occurrence: "second" });
      expect(second).toMatchObject({ ok: true, ambiguous: true, occurrence: "second", offsetMinutes: 60 });
      expect(second.ok && second.scheduledAt.toISOString()).toBe(`${autumn}T01:30:00.000Z`);
    });
    it(`${autumn} 03:00 and 01:59 are not ambiguous`, () => {
      expect(resolveLocalTime(autumn, "03:00")).toMatchObject({ ok: true, ambiguous: false, offsetMinutes: 60 });
      expect(resolveLocalTime(autumn, "01:59")).toMatchObject({ ok: true, ambiguous: false, offsetMinutes: 120 });
    });
  }
});

describe("resolveLocalTime: ordinary and invalid input", () => {
  it.each([
    ["2026-01-15", "09:00", "2026-01-15T08:00:00.000Z"],
    ["2026-07-21", "09:00", "2026-07-21T07:00:00.000Z"],
    ["2026-12-31", "23:59", "2026-12-31T22:59:00.000Z"],
    ["2028-02-29", "12:00", "2028-02-29T11:00:00.000Z"],
  ])("%s %s is %s", (date, time, iso) => {
    const r = resolveLocalTime(date, time);
    expect(r).toMatchObject({ ok: true, ambiguous: false, occurrence: "first" });
    expect(r.ok && r.scheduledAt.toISOString()).toBe(iso);
  });

  it("asking for the second occurrence of an unambiguous time still gives the only one", () => {
    expect(resolveLocalTime("2026-06-01", "10:00", { occurrence: "second" })).toMatchObject({ ok: true, occurrence: "first" });
  });

  it.each([
    ["2026-02-30", "10:00"],
    ["2027-02-29", "10:00"],
    ["2026-13-01", "10:00"],
    ["2026-1-5", "10:00"],
    ["2026-01-05", "24:00"],
    ["2026-01-05", "10:60"],
    ["2026-01-05", "9:00"],
    ["", ""],
    ["2026-01-05T10:00", "10:00"],
  ])("%s %s is invalid", (date, time) => {
    expect(resolveLocalTime(date, time)).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("Brussels calendar helpers", () => {
  it("converts instants back to the wall clock on both sides of the fold", () => {
    expect(toBrusselsLocal(new Date("2026-10-25T00:30:00Z"))).toEqual({ localDate: "2026-10-25", localTime: "02:30" });
    expect(toBrusselsLocal(new Date("2026-10-25T01:30:00Z"))).toEqual({ localDate: "2026-10-25", localTime: "02:30" });
    expect(toBrusselsLocal(new Date("2026-12-31T23:30:00Z"))).toEqual({ localDate: "2027-01-01", localTime: "00:30" });
  });

  it("gives a month's UTC range from Brussels midnight to Brussels midnight", () => {
    expect(brusselsMonthRange("2026-03")).toEqual({
      start: new Date("2026-02-28T23:00:00Z"),
      end: new Date("2026-03-31T22:00:00Z"),
    });
    expect(brusselsMonthRange("2026-3")).toBeNull();
    expect(datesOfMonth("2028-02")).toHaveLength(29);
    expect(datesOfMonth("2026-10").at(-1)).toBe("2026-10-31");
  });
});

describe("BRUSSELS_ZONE (offsets remembered per quarter hour)", () => {
  const plain = new IANAZone("Europe/Brussels");

  it("gives Intl's offset at every minute around each DST change, 2025–2030", () => {
    for (const { spring, autumn } of transitions) {
      for (const day of [spring, autumn]) {
        const midnight = Date.parse(`${day}T00:00:00Z`);
        for (let minute = -120; minute < 240; minute++) {
          const ts = midnight + minute * 60_000 + 29_999;
          expect(BRUSSELS_ZONE.offset(ts), new Date(ts).toISOString()).toBe(plain.offset(ts));
        }
      }
    }
  });

  it("gives Intl's offset for instants spread over a century, before 1970 included", () => {
    for (let ts = Date.parse("1940-01-01T00:00:00Z"); ts < Date.parse("2040-01-01T00:00:00Z"); ts += 7_777_777_777) {
      expect(BRUSSELS_ZONE.offset(ts), new Date(ts).toISOString()).toBe(plain.offset(ts));
    }
  });

  it("is still the IANA zone for luxon and for Intl", () => {
    expect(BRUSSELS_ZONE.name).toBe("Europe/Brussels");
    expect(BRUSSELS_ZONE.type).toBe("iana");
    expect(BRUSSELS_ZONE.equals(plain)).toBe(true);
  });
});
