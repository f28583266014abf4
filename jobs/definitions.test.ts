import { describe, expect, it } from "vitest";
import { JOBS, selectJobs } from "./definitions";

describe("the jobs a scheduler runs (CADENCE_JOBS)", () => {
  it("all of them by default; the named ones only when listed; unknown names refused, listed", () => {
    expect(selectJobs(undefined)).toEqual({ ok: true, jobs: JOBS });
    expect(selectJobs("  ")).toEqual({ ok: true, jobs: JOBS });
    const some = selectJobs(" publish , collect-inbox");
    expect(some.ok && some.jobs.map((j) => j.name)).toEqual(["publish", "collect-inbox"]);
    expect(selectJobs("publish,recover-publications,nope")).toEqual({ ok: false, unknown: ["recover-publications", "nope"] });
  });
});
