import { describe, expect, it } from "vitest";
import { forEachConcurrently, groupBy, pushTo } from "./collections";

describe("collections", () => {
  it("groups rows by a key, in their order", () => {
    expect(groupBy([{ c: "a", n: 1 }, { c: "b", n: 2 }, { c: "a", n: 3 }], (r) => r.c)).toEqual(new Map([["a", [{ c: "a", n: 1 }, { c: "a", n: 3 }]], ["b", [{ c: "b", n: 2 }]]]));
    const m = new Map<string, number[]>();
    pushTo(m, "x", 1);
    pushTo(m, "x", 2);
    expect(m.get("x")).toEqual([1, 2]);
  });

  it("runs work on every item, never more than the limit at once", async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      done.push(n);
      running--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });
});
