import { addHistogramIncrements } from "../../db/repositories/metric-totals";
import type { Db } from "../../db/client";
import { HistogramTally, type Labels, type TotalHistogram } from "../domain/histogram";
import type { AppContext } from "./context.server";

/**
 * All-time histogram totals, kept in the database (migration 0021) because what they measure
 * happens in the schedulers while /metrics is served by the web processes. Guarantees:
 * - totals only grow, across restarts, deploys and any number of processes (Prometheus counters);
 * - an observation is added once: a flush that fails keeps its increments for the next flush;
 * - at most the last few seconds' observations are lost if a process dies (the flush interval).
 */

/** How often the publisher adds its observed lags to the stored totals. */
export const LAG_FLUSH_MS = 5_000;

/**
 * A flush for a tally: `flush(false)` adds what was observed when `everyMs` passed since the last
 * flush (one flush at a time, never waited on by the caller's hot path); `flush(true)` adds
 * everything now (at the end of a run).
 */
export function periodicFlush(ctx: Pick<AppContext, "db" | "log">, tally: HistogramTally, everyMs: number): (force: boolean) => Promise<void> {
  let last = Date.now();
  let running: Promise<void> | null = null;
  const flushNow = async () => {
    last = Date.now();
    const taken = tally.take();
    if (taken.length === 0) return;
    try {
      await addHistogramIncrements(ctx.db, taken);
    } catch (error) {
      tally.restore(taken);
      ctx.log.warn("metric totals not saved; kept for the next flush", { error: error instanceof Error ? error.message : String(error) });
    }
  };
  return async (force) => {
    if (running) {
      if (!force) return;
      await running;
    }
    if (!force && Date.now() - last < everyMs) return;
    running = flushNow().finally(() => (running = null));
    await running;
  };
}

/** Adds one observation to the stored totals now (a job's run: one write per run). */
export async function addObservation(db: Db, metric: TotalHistogram, labels: Labels, value: number): Promise<void> {
  const tally = new HistogramTally();
  tally.observe(metric, labels, value);
  await addHistogramIncrements(db, tally.take());
}
