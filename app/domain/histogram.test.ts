import { describe, expect, it } from "vitest";
import { HistogramTally, PUBLISH_LAG_BUCKETS, labelsKey, parseLabelsKey } from "./histogram";

describe("histogram tally", () => {
  it("counts each observation in every bucket at or above it (Prometheus's le), with count and sum", () => {
    const tally = new HistogramTally();
    for (const v of [0.05, 0.1, 0.3, 7, 4000]) tally.observe("cadence_publish_lag_seconds", { network: "x" }, v);
    tally.observe("cadence_publish_lag_seconds", { network: "x" }, -0.002);
    tally.observe("cadence_publish_lag_seconds", { network: "x" }, Number.NaN);
    const [x] = tally.take();
    expect(x!.count).toBe(6);
    expect(x!.sum).toBeCloseTo(4007.45, 6);
    const at = (le: number) => x!.buckets[PUBLISH_LAG_BUCKETS.indexOf(le as (typeof PUBLISH_LAG_BUCKETS)[number])];
    expect(at(0.1)).toBe(3); // -0.002 (as 0), 0.05, 0.1
    expect(at(0.5)).toBe(4);
    expect(at(10)).toBe(5);
    expect(at(1800)).toBe(5); // 4000 s is only in +Inf, which is the count
    expect(tally.take()).toEqual([]);
  });

  it("keeps label sets apart, and a failed flush's increments come back whole", () => {
    const tally = new HistogramTally();
    tally.observe("cadence_job_duration_seconds", { outcome: "ok", job: "purge" }, 0.2);
    tally.observe("cadence_job_duration_seconds", { job: "purge", outcome: "failed" }, 0.2);
    const taken = tally.take();
    expect(taken.map((t) => t.labels).sort()).toEqual(['job="purge",outcome="failed"', 'job="purge",outcome="ok"']);
    tally.observe("cadence_job_duration_seconds", { job: "purge", outcome: "ok" }, 1);
    tally.restore(taken);
    const again = tally.take();
    expect(again.find((t) => t.labels.endsWith('"ok"'))!.count).toBe(2);
    expect(again.find((t) => t.labels.endsWith('"failed"'))!.count).toBe(1);
  });

  it("writes labels in one canonical order and reads them back, quotes and backslashes included", () => {
    const labels = { z: 'say "hi"', a: "back\\slash" };
    expect(labelsKey(labels)).toBe('a="back\\\\slash",z="say \\"hi\\""');
    expect(parseLabelsKey(labelsKey(labels))).toEqual(labels);
    expect(labelsKey({})).toBe("");
  });
});
