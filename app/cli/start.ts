import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createDb, type Db } from "../../db/client";
import { openDatabaseTarget, type DatabaseTarget } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { countUsers } from "../../db/repositories/users";
import { DEMO_ACCOUNTS, seedDemo } from "../../db/seed/seed-demo";
import { startScheduler, type RunningScheduler } from "../../jobs/scheduler";
import { ConfigError, loadConfig } from "../config.server";
import { createLogger } from "../services/logger.server";
import { startWebServer, type RunningWebServer } from "../server/web.server";
import { buildIsStale, runRemixBuild, startRemixWatch } from "./build-if-needed";

/**
 * `npm start`: the whole product in one command. Resolves the database (DATABASE_URL, or the
 * embedded PostgreSQL in .data/postgres), applies pending migrations, seeds the demo on an empty
 * demo database, builds the web app if needed, then runs the web server here and the Bree
 * scheduler as a child process. `--only=web` / `--only=jobs` run one of them alone.
 * SIGINT/SIGTERM stop everything in order: HTTP, scheduler, connections, embedded database.
 */
const args = new Set(process.argv.slice(2));
const only = [...args].find((a) => a.startsWith("--only="))?.slice("--only=".length);
const isJobsChild = args.has("--jobs-child");
const dev = args.has("--dev");
const runWeb = only !== "jobs";
const runJobs = only !== "web";

const say = (line: string) => process.stdout.write(`${line}\n`);

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
  let jobsChild: ChildProcess | null = null;
  let watcher: ChildProcess | null = null;
  let stopping = false;

  const shutdown = async (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    if (!isJobsChild) say(`\nStopping Cadence (${reason})…`);
    const childExit = jobsChild && jobsChild.exitCode === null ? new Promise((r) => jobsChild!.once("exit", r)) : null;
    if (jobsChild && jobsChild.exitCode === null) jobsChild.kill("SIGTERM");
    watcher?.kill("SIGTERM");
    await web?.close();
    await scheduler?.stop();
    if (childExit) {
      const timer = setTimeout(() => jobsChild?.kill("SIGKILL"), 20_000);
      await childExit;
      clearTimeout(timer);
    }
    await db?.destroy();
    await target?.release();
    if (!isJobsChild) say("Stopped.");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

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
    if (runWeb) {
      if (buildIsStale()) {
        say("Building the web app…");
        await runRemixBuild();
      }
      if (dev) watcher = startRemixWatch();
      web = await startWebServer({ db, config, log, now: () => new Date() }, { port: config.port, host: config.host, dev });
    }
    if (runJobs) {
      if (runWeb) {
        // The scheduler runs beside the web server as its own process, on the same database.
        jobsChild = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--only=jobs", "--jobs-child"], {
          stdio: ["ignore", "inherit", "inherit"],
          env: { ...process.env, DATABASE_URL: target.url, CADENCE_DEMO: String(config.demo) },
        });
        jobsChild.once("exit", (code, signal) => {
          if (!stopping) {
            log.error("the scheduler process stopped unexpectedly", { code, signal });
            void shutdown("scheduler stopped", 1);
          }
        });
      } else {
        scheduler = await startScheduler(log);
      }
    }
  } catch (error) {
    log.error("start-up failed", { error });
    process.stderr.write(`\nCadence could not start: ${error instanceof Error ? error.message : String(error)}\n`);
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
    }
    say("Press Ctrl-C to stop.");
  }
}

await main();
