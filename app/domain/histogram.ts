/**
 * Observations tallied in memory and handed over as increments to all-time histogram totals
 * (db/repositories/metric-totals.ts): the publisher and the jobs observe, a flush adds what was
 * observed since the last one. Pure: no clock, no I/O.
 */

/** The publish lag's buckets, in seconds: from "on the second" to "half an hour late". */
export const PUBLISH_LAG_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800] as const;
/** A job run's buckets, in seconds: a purge takes milliseconds, a collection round minutes. */
export const JOB_DURATION_BUCKETS = [0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800, 3600] as const;

/** The histograms kept as all-time totals, and their buckets (fixed: the stored rows follow them). */
export const TOTAL_HISTOGRAMS = {
  cadence_publish_lag_seconds: PUBLISH_LAG_BUCKETS,
  cadence_job_duration_seconds: JOB_DURATION_BUCKETS,
} as const;
export type TotalHistogram = keyof typeof TOTAL_HISTOGRAMS;

export type Labels = Readonly<Record<string, string>>;

/** The canonical text of a label set (names sorted), as stored and as Prometheus writes it. */
export function labelsKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(",");
}

/** The label set back from its canonical text. */
export function parseLabelsKey(key: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of key.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)=("(?:[^"\\]|\\.)*")/g)) labels[match[1]!] = JSON.parse(match[2]!) as string;
  return labels;
}

/** What a flush adds to one stored row: per-bucket counts (cumulative, `le` semantics), count, sum. */
export interface HistogramIncrement {
  metric: TotalHistogram;
  labels: string;
  buckets: number[];
  count: number;
  sum: number;
}

export class HistogramTally {
  private pending = new Map<string, HistogramIncrement>();

  /** One observation; a negative value (a clock a little behind) counts as 0, a non-finite one is dropped. */
  observe(metric: TotalHistogram, labels: Labels, value: number): void {
    if (!Number.isFinite(value)) return;
    const v = Math.max(0, value);
    const bounds = TOTAL_HISTOGRAMS[metric];
    const labelText = labelsKey(labels);
    const key = `${metric} ${labelText}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { metric, labels: labelText, buckets: bounds.map(() => 0), count: 0, sum: 0 };
      this.pending.set(key, entry);
    }
    bounds.forEach((le, i) => {
      if (v <= le) entry.buckets[i]!++;
    });
    entry.count++;
    entry.sum += v;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Everything observed since the last take, emptied. */
  take(): HistogramIncrement[] {
    const taken = [...this.pending.values()];
    this.pending = new Map();
    return taken;
  }

  /** Puts increments back (a flush that failed is tried again with the next one). */
  restore(increments: readonly HistogramIncrement[]): void {
    for (const inc of increments) {
      const key = `${inc.metric} ${inc.labels}`;
      const entry = this.pending.get(key);
      if (!entry) {
        this.pending.set(key, { ...inc, buckets: [...inc.buckets] });
        continue;
      }
      inc.buckets.forEach((n, i) => (entry.buckets[i]! += n));
      entry.count += inc.count;
      entry.sum += inc.sum;
    }
  }
}
