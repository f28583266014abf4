import { describe, expect, it } from "vitest";
import { groupCommit } from "./group-commit";

describe("group commit", () => {
  it("writes the calls of one turn together, and those that come during a write in the next batch", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const write = groupCommit(async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((n) => n * 10);
    });
    const first = [write(1), write(2), write(3)];
    await new Promise((r) => setImmediate(r));
    const later = [write(4), write(5)];
    release();
    expect(await Promise.all([...first, ...later])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it("fails every call of a failed batch, and goes on with the next", async () => {
    let calls = 0;
    const write = groupCommit((items: string[]) => {
      calls++;
      return calls === 1 ? Promise.reject(new Error("connection lost")) : Promise.resolve(items.map((s) => s.toUpperCase()));
    });
    const failed = await Promise.allSettled([write("a"), write("b")]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await write("c")).toBe("C");
  });

  it("splits a burst into batches of at most the maximum", async () => {
    const sizes: number[] = [];
    const write = groupCommit((items: number[]) => {
      sizes.push(items.length);
      return Promise.resolve(items);
    }, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => write(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it("refuses a write that does not answer every call", async () => {
    const write = groupCommit((items: number[]) => Promise.resolve(items.slice(1)));
    await expect(Promise.all([write(1), write(2)])).rejects.toThrow(/1 results for 2 calls/);
  });
});
