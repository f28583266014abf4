import { describe, expect, it } from "vitest";
import { MONTH_CELL_LIMIT, monthGridEvents } from "./month-grid";

const event = (id: string, localDate: string, time: string) => ({ id, start: new Date(`${localDate}T${time}:00Z`), data: { localDate } });

describe("monthGridEvents", () => {
  it("keeps every event of a day that fits, and counts nothing as hidden", () => {
    const events = [event("a", "2026-12-01", "09:00"), event("b", "2026-12-01", "08:00"), event("c", "2026-12-02", "10:00")];
    const { shown, hiddenByDate } = monthGridEvents(events);
    expect(shown.map((e) => e.id).sort()).toEqual(["a", "b", "c"]);
    expect(hiddenByDate.size).toBe(0);
  });

  it("keeps the earliest events of a full day and counts the rest per date", () => {
    const day = Array.from({ length: MONTH_CELL_LIMIT + 4 }, (_, i) => event(`e${String(i).padStart(2, "0")}`, "2026-12-03", `${String(23 - i).padStart(2, "0")}:00`));
    const other = event("x", "2026-12-04", "12:00");
    const { shown, hiddenByDate } = monthGridEvents([...day, other]);
    expect(shown).toHaveLength(MONTH_CELL_LIMIT + 1);
    expect(shown).toContain(other);
    // The latest four of the day (e00…e03, at 23:00…20:00) are the ones left out.
    expect(shown.map((e) => e.id)).not.toEqual(expect.arrayContaining(["e00", "e01", "e02", "e03"]));
    expect(hiddenByDate).toEqual(new Map([["2026-12-03", 4]]));
  });

  it("breaks ties at the same minute by id, so the choice is stable", () => {
    const same = Array.from({ length: 3 }, (_, i) => event(`s${i}`, "2026-12-05", "09:00")).reverse();
    expect(monthGridEvents(same, 2).shown.map((e) => e.id)).toEqual(["s0", "s1"]);
  });
});
