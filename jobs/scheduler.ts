import Bree from "bree";
import { fileURLToPath } from "node:url";
import type { Logger } from "../app/services/logger.server";
import { bundledJobs } from "./bundles";
import { JOBS, type JobDefinition } from "./definitions";

const BOOTSTRAP = fileURLToPath(new URL("./run-job.mjs", import.meta.url));

export interface RunningScheduler {
  stop(): Promise<void>;
}

/** Starts Bree with every job of `jobs/definitions.ts`; stop() cancels running workers and waits for them. */
export async function startScheduler(log: Logger, jobs: JobDefinition[] = JOBS): Promise<RunningScheduler> {
  // Compiled jobs when the build is fresh (jobs/bundles.ts), the TypeScript through tsx otherwise.
  const bundles = bundledJobs(jobs.map((j) => j.name));
  const bree = new Bree({
    root: false,
    logger: {
      info: (message: string) => log.debug(message),
      // A long-running job's interval finds it still running: that is the normal case, not a warning.
      warn: (message: string | Error) => {
        const text = typeof message === "string" ? message : message.message;
        if (!/is already running/.test(text)) log.warn(text);
      },
      error: (message: string | Error) => log.error(typeof message === "string" ? message : message.message),
    },
    jobs: jobs.map((job) => ({
      name: job.name,
      path: BOOTSTRAP,
      interval: job.interval,
      timeout: job.timeout === "0" ? 0 : job.timeout,
      // Short jobs are stopped if they hang for ten minutes; the publisher runs until stopped.
      ...(job.longRunning ? {} : { closeWorkerAfterMs: 10 * 60_000 }),
      worker: { workerData: { job: job.name, bundle: bundles.get(job.name) ?? null } },
    })),
    errorHandler: (error, data) => log.error("job worker error", { job: data.name, error }),
  });
  await bree.start();
  log.info("scheduler started", { jobs: jobs.map((j) => j.name), compiled: bundles.size === jobs.length ? "all" : bundles.size === 0 ? "none (tsx)" : [...bundles.keys()] });
  return {
    stop: async () => {
      await bree.stop();
      log.info("scheduler stopped");
    },
  };
}
