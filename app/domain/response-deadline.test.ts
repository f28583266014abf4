import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { responseDeadline, DEFAULT_BUSINESS_HOURS } from "./response-deadline";

const brussels = (local: string) => DateTime.fromISO(local, { zone: "Europe/Brussels" }).toJSDate();
const local = (d: Date) => DateTime.fromJSDate(d, { zone: "Europe/Brussels" }).toFormat("ccc yyyy-MM-dd HH:mm");

describe("the one-business-day deadline", () => {
  it.each([
    // arrived (Brussels), due (Brussels)
    ["2026-07-08T10:00", "Thu 2026-07-09 10:00"], // an ordinary Wednesday
    ["2026-07-10T18:00", "Mon 2026-07-13 17:00"], // Friday evening: Monday
    ["2026-07-10T16:30", "Mon 2026-07-13 16:30"], // Friday afternoon: half an hour on Friday, the rest on Monday
    ["2026-07-11T11:00", "Mon 2026-07-13 17:00"], // Saturday
    ["2026-07-08T07:15", "Wed 2026-07-08 17:00"], // before opening: counts from 09:00
    ["2026-04-05T20:00", "Tue 2026-04-07 17:00"], // the eve of Easter Monday (a legal holiday)
    ["2026-04-03T12:00", "Tue 2026-04-07 12:00"], // Good Friday is a working day; Easter Monday is not
    ["2026-07-20T12:00", "Wed 2026-07-22 12:00"], // the day before the National Day (21 July)
    ["2026-12-24T15:00", "Mon 2026-12-28 15:00"], // Christmas Eve afternoon: Christmas and the weekend skipped
    ["2026-03-27T16:00", "Mon 2026-03-30 16:00"], // across the spring clock change
    ["2026-10-23T17:00", "Mon 2026-10-26 17:00"], // at closing time on the Friday before the autumn change
  ])("a message at %s is due %s", (arrived, due) => {
    expect(local(responseDeadline(brussels(arrived)))).toBe(due);
  });

  it("honours the team's own hours, closing days and a longer rule", () => {
    const hours = { open: "08:30", close: "16:00", calendar: { federal: true, extraClosedDays: new Set(["2026-07-13"]) } };
    expect(local(responseDeadline(brussels("2026-07-10T18:00"), hours))).toBe("Tue 2026-07-14 16:00");
    expect(local(responseDeadline(brussels("2026-07-08T10:00"), DEFAULT_BUSINESS_HOURS, 2))).toBe("Fri 2026-07-10 10:00");
    expect(() => responseDeadline(new Date(), { ...DEFAULT_BUSINESS_HOURS, open: "18:00" })).toThrow(RangeError);
  });
});
