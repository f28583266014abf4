import { describe, expect, it } from "vitest";
import { detectSurge } from "./surge";

describe("the surge of messages", () => {
  it.each([
    // last hour, the same hour of the four previous weeks, surge?
    [30, [8, 10, 9, 13], true], // exactly three times the usual 10
    [29, [8, 10, 9, 13], false],
    [9, [0, 0, 1, 0], false], // below the minimum, however quiet the hour usually is
    [10, [0, 0, 1, 0], true],
    [12, [], true], // no history: the minimum decides
    [9, [], false],
    [100, [40, 45, 50, 35], false], // a busy hour that is busy every week
  ] as const)("%i messages against %j", (count, before, surge) => {
    expect(detectSurge(count, before).surge).toBe(surge);
  });

  it("gives the count and the usual level it compared", () => {
    expect(detectSurge(40, [8, 10, 9, 13])).toEqual({ surge: true, count: 40, usual: 10 });
  });
});
