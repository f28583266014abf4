import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { loadConfig } from "../../app/config.server";
import type { AppContext } from "../../app/services/context.server";
import { createLogger } from "../../app/services/logger.server";
import { createDb, type Db } from "../../db/client";

export interface TestDatabase {
  name: string;
  url: string;
  db: Db;
  drop(): Promise<void>;
}

function urlFor(database: string): string {
  const u = new URL(inject("adminUrl"));
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject("adminUrl") });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database for one test file: a copy of the migrated template (or, with `empty: true`,
 * a blank database for the migration tests). Names carry the run's pid, so teardown finds leftovers.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const runPid = inject("templateDatabase").split("_").pop();
  const name = `cadence_t_${runPid}_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(options.empty ? `create database ${name}` : `create database ${name} template ${inject("templateDatabase")}`));
  const url = urlFor(name);
  const db = createDb(url, { max: 5 });
  return {
    name,
    url,
    db,
    drop: async () => {
      await db.destroy();
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** The service context tests call services with: fixed secrets, silent logs, and a settable clock. */
export function testContext(db: Db, options: { now?: () => Date; demo?: boolean } = {}): AppContext {
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: "postgres://unused/unused",
    CADENCE_DEMO: options.demo ? "true" : "false",
    SESSION_SECRET: "test-session-secret-that-is-long-enough-0123456789",
    CREDENTIALS_KEY: Buffer.alloc(32, 7).toString("base64"),
  });
  return { db, config, log: createLogger({ level: "error", write: () => {} }), now: options.now ?? (() => new Date()) };
}

/** The environment of a command-line script or job started as a process against a test database (not demo mode: its own secrets). */
export function processEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: databaseUrl, CADENCE_DEMO: "false", SESSION_SECRET: "cli-test-session-secret-that-is-long-enough-0123", CREDENTIALS_KEY: Buffer.alloc(32, 3).toString("base64"), ...extra };
}
