import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createDb, type Db } from "../../db/client";
import { EmbeddedPostgres, randomPassword } from "../../db/embedded-postgres";
import { migrateToLatest } from "../../db/migrate";

/** A fresh, migrated database for one benchmark: on DATABASE_URL's server, or an embedded one. */
export async function benchDatabase(name: string): Promise<{ db: Db; url: string; close: () => Promise<void> }> {
  let embedded: EmbeddedPostgres | null = null;
  let dir: string | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-bench-"));
    fs.chmodSync(dir, 0o755);
    embedded = await EmbeddedPostgres.start({ dataDir: path.join(dir, "pg"), password: randomPassword(), database: "cadence" });
    adminUrl = embedded.url("postgres");
  }
  const database = `cadence_bench_${name}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${database}`);
  await admin.query(`create database ${database}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  const url = u.toString();
  const db = createDb(url, { max: 10 });
  await migrateToLatest(db);
  return {
    db,
    url,
    close: async () => {
      await db.destroy();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${database} with (force)`);
      await c.end();
      await embedded?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
