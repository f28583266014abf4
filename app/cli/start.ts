import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createDb, type Db } from "../../db/client";
import { openDatabaseTarget, type DatabaseTarget } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { countUsers } from "../../db/repositories/users";
import { DEMO_ACCOUNTS, seedDemo } from "../seed/seed-demo";
import type { FakeNetworks } from "../../fakes/networks";
import { adoptDemoPosts, connectDemoChannels } from "../services/demo-networks.server";
import { buildJobsIfStale } from "../../jobs/bundles";
import { startScheduler, type RunningScheduler } from "../../jobs/scheduler";
import { JOBS, selectJobs } from "../../jobs/definitions";
import { startHeartbeat } from "../services/scheduler-health.server";
import { ConfigError, loadConfig } from "../config.server";
import { createLogger } from "../services/logger.server";
import { StartUpProblem, startWebServer, type RunningWebServer } from "../server/web.server";
import { EmbeddedPostgresBusyError, EmbeddedPostgresStartError } from "../../db/embedded-postgres";
import { buildIsStale, runRemixBuild, startRemixWatch } from "./build-if-needed";
import { endsWithin, Supervisor } from "./supervisor";

/**
 * `npm start`: the whole product in one command. Resolves the database (DATABASE_URL, or the
 * embedded PostgreSQL in .data/postgres), applies pending migrations, seeds the demo on an empty
 * demo database, builds the web app if needed, then runs the web server here and the Bree
 * scheduler as a supervised child process, restarted with back-off whenever it dies. `--only=web` /
 * `--only=jobs` run one of them alone. SIGINT/SIGTERM stop everything in order — HTTP and
 * scheduler, connections, embedded database — each step bounded, so a stop never hangs.
 */
const args = new Set(process.argv.slice(2));
const only = [...args].find((a) => a.startsWith("--only="))?.slice("--only=".length);
const isJobsChild = args.has("--jobs-child");
const dev = args.has("--dev");
const runWeb = only !== "jobs";
const runJobs = only !== "web";

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Each step of a shutdown gets at most this long; the whole shutdown at most `SHUTDOWN_DEADLINE_MS`. */
const STEP_TIMEOUT_MS = 15_000;
const SHUTDOWN_DEADLINE_MS = 60_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const log = createLogger({ level: config.logLevel, base: { process: runWeb ? "web" : "jobs" } });

  let target: DatabaseTarget | null = null;
  let db: Db | null = null;
  let web: RunningWebServer | null = null;
  let scheduler: RunningScheduler | null = null;
  let heartbeat: { stop(): Promise<void> } | null = null;
  let supervisor: Supervisor | null = null;
  let watcher: ChildProcess | null = null;
  let demoNetworks: FakeNetworks | null = null;
  let stopping = false;

  /** One step of the shutdown, never longer than STEP_TIMEOUT_MS and never throwing. */
  const step = async (name: string, work: (() => Promise<unknown>) | undefined) => {
    if (!work) return;
    const done = work().catch((error: unknown) => log.warn(`${name} failed while stopping`, { error }));
    if (!(await endsWithin(done, STEP_TIMEOUT_MS))) log.warn(`${name} did not stop in time`, { timeoutMs: STEP_TIMEOUT_MS });
  };

  const shutdown = async (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    // Whatever hangs below, the process ends: a supervisor (systemd, a person) can always act.
    setTimeout(() => {
      log.error("shutdown took too long; exiting", { deadlineMs: SHUTDOWN_DEADLINE_MS });
      process.exit(code || 1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    if (!isJobsChild) say(`\nStopping Cadence (${reason})…`);
    watcher?.kill("SIGTERM");
    await Promise.all([step("the web server", web ? () => web!.close() : undefined), supervisor?.stop()]);
    await step("the scheduler", scheduler ? () => scheduler!.stop() : undefined);
    await step("the heartbeat", heartbeat ? () => heartbeat!.stop() : undefined);
    await step("the demo networks", demoNetworks ? () => demoNetworks!.close() : undefined);
    await step("the database connections", db ? () => db!.destroy() : undefined);
    await step("the database", target ? () => target!.release() : undefined);
    if (!isJobsChild) say("Stopped.");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // The scheduler child ends with the process that started it, however that one ended.
  if (isJobsChild) process.once("disconnect", () => void shutdown("the web process is gone"));

  try {
    const mode = runWeb ? "owner" : "cli";
    target = await openDatabaseTarget({ mode, log: (line) => log.info(line) });
    db = createDb(target.url, { applicationName: runWeb ? "cadence-web" : "cadence-jobs" });
    if (!isJobsChild) {
      const applied = await migrateToLatest(db);
      for (const line of applied) log.info(line);
    }
    if (runWeb && config.demo && (await countUsers(db)) === 0) {
      const seeded = await seedDemo(db, new Date());
      log.info("demo data created", { items: seeded.items });
    }
    if (runWeb && !isJobsChild && config.demoNetworksPort !== null) {
      // Demo: the local stand-ins for Mastodon and Bluesky, where "citizens" write (npm run demo:mention).
      try {
        const { startFakeNetworks } = await import("../../fakes/networks");
        demoNetworks = await startFakeNetworks({ port: config.demoNetworksPort, demoControl: true });
        await connectDemoChannels({ db, config, log, now: () => new Date() }, demoNetworks.url);
        await adoptDemoPosts({ db, config, log, now: () => new Date() }, demoNetworks);
      } catch (error) {
        log.warn("the demo networks could not start; the demo's Mastodon and Bluesky channels are not listened to", { port: config.demoNetworksPort, error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (runJobs && !isJobsChild && !dev) {
      // The jobs compiled ahead, so that each worker starts in plain Node (jobs/bundles.ts); in
      // development they run through tsx, so that an edit counts at the next run.
      await buildJobsIfStale();
    }
    if (runJobs && runWeb) {
      // The scheduler runs beside the web server as its own process, on the same database, and is
      // restarted whenever it dies; the web server keeps serving and says so (decision 0016).
      const url = target.url;
      supervisor = new Supervisor({
        log,
        spawn: () =>
          spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--only=jobs", "--jobs-child"], {
            stdio: ["ignore", "inherit", "inherit", "ipc"],
            env: { ...process.env, DATABASE_URL: url, CADENCE_DEMO: String(config.demo), CADENCE_DATABASE_KIND: process.env.DATABASE_URL ? "external" : "embedded" },
          }),
      });
    }
    if (runWeb) {
      if (buildIsStale()) {
        say("Building the web app…");
        await runRemixBuild();
      }
      if (dev) watcher = startRemixWatch();
      const status = supervisor ? () => supervisor!.status() : undefined;
      web = await startWebServer({ db, config, log, now: () => new Date(), supervisedScheduler: status }, { port: config.port, host: config.host, dev });
    }
    if (supervisor) supervisor.start();
    else if (runJobs) {
      const selected = selectJobs(process.env.CADENCE_JOBS);
      if (!selected.ok) throw new StartUpProblem(`CADENCE_JOBS names jobs that do not exist: ${selected.unknown.join(", ")}. The jobs are: ${JOBS.map((j) => j.name).join(", ")}.`);
      scheduler = await startScheduler(log, selected.jobs);
      heartbeat = startHeartbeat({ db, config, log, now: () => new Date() });
      process.send?.({ type: "ready" });
    }
  } catch (error) {
    // A known cause (a full disk, a port taken, a damaged or foreign data directory…) is told in
    // plain words with its next step; anything else by its message. Never a stack trace on screen.
    const known = error instanceof EmbeddedPostgresStartError || error instanceof EmbeddedPostgresBusyError || error instanceof StartUpProblem;
    const message = error instanceof Error ? error.message : String(error);
    if (known) log.error("start-up failed", { problem: error instanceof EmbeddedPostgresStartError ? error.problem : error.name });
    else log.error("start-up failed", { error: message });
    process.stderr.write(`\nCadence could not start: ${message}\n`);
    await shutdown("start-up failed", 1);
    return;
  }

  if (web) {
    say("");
    say(`Cadence is running at ${web.url}`);
    say(`Database: ${target.kind === "external" ? "DATABASE_URL" : `embedded PostgreSQL in ${config.dataDir}/postgres`}`);
    if (config.demo) {
      say("Demo sign-in (demo mode only):");
      for (const account of DEMO_ACCOUNTS) say(`  ${account.roles.join(",").padEnd(10)} ${account.email.padEnd(30)} ${account.password}`);
      if (demoNetworks) say(`Demo networks (Mastodon, Bluesky) at ${demoNetworks.url}: npm run demo:mention -- mastodon "Bonjour, …"`);
    }
    say("Press Ctrl-C to stop.");
  }
}

await main();
