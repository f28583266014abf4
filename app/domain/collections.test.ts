import { describe, expect, it } from "vitest";
import { groupBy, pushTo } from "./collections";

describe("collections", () => {
  it("groups rows by a key, in their order", () => {
    expect(groupBy([{ c: "a", n: 1 }, { c: "b", n: 2 }, { c: "a", n: 3 }], (r) => r.c)).toEqual(new Map([["a", [{ c: "a", n: 1 }, { c: "a", n: 3 }]], ["b", [{ c: "b", n: 2 }]]]));
    const m = new Map<string, number[]>();
    pushTo(m, "x", 1);
    pushTo(m, "x", 2);
    expect(m.get("x")).toEqual([1, 2]);
  });
});
