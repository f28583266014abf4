import { parentPort } from "node:worker_threads";
import { createDb } from "../db/client";
import { loadConfig } from "../app/config.server";
import type { AppContext } from "../app/services/context.server";
import { createLogger } from "../app/services/logger.server";
import { addObservation } from "../app/services/metric-totals.server";

/**
 * Runs one job in its Bree worker: builds the service context, calls `work`, then closes the
 * database and exits 0. On Bree's "cancel" (shutdown), the signal aborts the work, the worker
 * cleans up and exits 0; it never leaves a connection or a half-done transaction behind.
 */
export async function runJob(name: string, work: (ctx: AppContext, signal: AbortSignal) => Promise<Record<string, unknown>>, options: { connections?: number } = {}): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, base: { job: name } });
  if (!config.databaseUrl) throw new Error("jobs need DATABASE_URL (the scheduler passes the embedded database's URL)");
  // No statement of a job may outlast a publication claim's lease (90 s): a stall ends in an error.
  const db = createDb(config.databaseUrl, { max: options.connections ?? 2, applicationName: `cadence-job-${name}`, statementTimeoutMs: 30_000 });
  const controller = new AbortController();
  const started = performance.now();
  let finished = false;
  const finish = async (code: number) => {
    if (finished) return;
    finished = true;
    // The run's duration and outcome, in the all-time totals /metrics reports (never blocks the exit for long).
    const outcome = code !== 0 ? "failed" : controller.signal.aborted ? "cancelled" : "ok";
    await Promise.race([
      addObservation(db, "cadence_job_duration_seconds", { job: name, outcome }, (performance.now() - started) / 1000).catch((error: unknown) => log.warn("job metrics not saved", { error: error instanceof Error ? error.message : String(error) })),
      new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
    ]);
    await db.destroy();
    process.exit(code);
  };
  const running = work({ db, config, log, now: () => new Date() }, controller.signal);
  parentPort?.on("message", (message) => {
    if (message === "cancel") {
      controller.abort();
      log.info("job cancelled");
      // Calls in flight finish and record their outcome (a few seconds at most), then exit 0.
      const grace = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
      void Promise.race([running.catch(() => undefined), grace]).then(() => finish(0));
    }
  });
  try {
    const result = await running;
    log.info("job done", result);
    await finish(0);
  } catch (error) {
    log.error("job failed", { error });
    await finish(1);
  }
}
