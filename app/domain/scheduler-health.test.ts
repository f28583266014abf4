import { describe, expect, it } from "vitest";
import { schedulerHealth, type SupervisedProcessStatus } from "./scheduler-health";

const supervised = (state: SupervisedProcessStatus["state"]): SupervisedProcessStatus => ({ state, restarts: 2, lastExit: null, nextStartAt: state === "restarting" ? "2026-12-02T10:00:04.000Z" : null });

describe("scheduler health", () => {
  it.each([
    // heartbeat age, supervisor, state
    [3, null, "running"],
    [20, null, "running"],
    [21, null, "down"],
    [null, null, "down"],
    [3, supervised("running"), "running"],
    [2, supervised("restarting"), "restarting"],
    [null, supervised("restarting"), "restarting"],
    [null, supervised("starting"), "starting"],
    [300, supervised("starting"), "starting"],
    [null, supervised("running"), "starting"],
    [120, supervised("running"), "down"],
    [1, supervised("stopped"), "down"],
  ] as const)("heartbeat %s s old, supervisor %j: %s", (age, status, expected) => {
    expect(schedulerHealth(age, status).state).toBe(expected);
  });

  it("carries the supervisor's restarts and next start", () => {
    expect(schedulerHealth(null, supervised("restarting"))).toEqual({ state: "restarting", heartbeatAgeSeconds: null, restarts: 2, nextStartAt: "2026-12-02T10:00:04.000Z" });
    expect(schedulerHealth(4, null)).toEqual({ state: "running", heartbeatAgeSeconds: 4, restarts: null, nextStartAt: null });
  });
});
