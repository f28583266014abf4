import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { buildIsStale, runRemixBuild } from "../../app/cli/build-if-needed";
import { createDb } from "../../db/client";
import { EmbeddedPostgres, randomPassword } from "../../db/embedded-postgres";
import { migrateToLatest } from "../../db/migrate";
import { buildJobsIfStale } from "../../jobs/bundles";

declare module "vitest" {
  export interface ProvidedContext {
    /** A superuser-ish URL to the `postgres` database of the test server, for CREATE/DROP DATABASE. */
    adminUrl: string;
    /** The migrated template every test database is copied from. */
    templateDatabase: string;
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * One PostgreSQL for the whole run: DATABASE_URL's server, or an embedded one in a fresh temporary
 * directory. A template database is migrated once; each test file copies it (test/setup/database.ts).
 * The web build and the compiled jobs are refreshed first, since the HTTP and browser tests serve
 * the one and the scheduler processes run the other.
 */
export default async function setup(project: TestProject) {
  if (buildIsStale()) await runRemixBuild();
  await buildJobsIfStale();

  let embedded: EmbeddedPostgres | null = null;
  let dataDir: string | null = null;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-test-pg-"));
    fs.chmodSync(dataDir, 0o755);
    embedded = await EmbeddedPostgres.start({ dataDir: path.join(dataDir, "pg"), password: randomPassword(), database: "cadence" });
    adminUrl = embedded.url("postgres");
  }

  const templateDatabase = `cadence_test_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${templateDatabase}`);
  await admin.query(`create database ${templateDatabase}`);
  await admin.end();
  const db = createDb(withDatabase(adminUrl, templateDatabase), { max: 1 });
  await migrateToLatest(db);
  await db.destroy();

  project.provide("adminUrl", adminUrl);
  project.provide("templateDatabase", templateDatabase);

  return async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const leftovers = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like $1 or datname = $2",
      [`cadence_t_${process.pid}_%`, templateDatabase],
    );
    for (const row of leftovers.rows) await client.query(`drop database if exists ${client.escapeIdentifier(row.datname)} with (force)`);
    await client.end();
    await embedded?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
