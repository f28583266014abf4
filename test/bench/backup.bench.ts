import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { backupDatabase, restoreDatabase } from "../../db/backup";
import { benchDatabase } from "./bench-database";
import { report } from "./report";

/**
 * backup.100k_items_s and restore.100k_items_s: a database with 100,000 items (both texts, two
 * channels each, 200,000 publications, 100,000 audit events) backed up with `db:backup`'s code,
 * then restored into an empty database on the same server.
 */
export async function run(): Promise<void> {
  const bench = await benchDatabase("backup");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-backup-bench-"));
  const emptyName = `cadence_bench_restore_${process.pid}`;
  const emptyUrl = (() => {
    const u = new URL(bench.url);
    u.pathname = `/${emptyName}`;
    return u.toString();
  })();
  const admin = new pg.Client({ connectionString: bench.url });
  try {
    const db = bench.db;
    const user = await db.insertInto("users").values({ email: "bench@test.be", display_name: "Bench", roles: ["editor"], password_hash: null }).returning("id").executeTakeFirstOrThrow();
    await db.insertInto("channels").values([{ network: "x", language: "fr", name: "X FR", handle: "fr", base_url: null, credentials_encrypted: null }, { network: "x", language: "nl", name: "X NL", handle: "nl", base_url: null, credentials_encrypted: null }]).execute();
    await sql`
      insert into content_items (id, scheduled_at, local_date, local_time, status, source_language, author_id, updated_by)
      select gen_random_uuid(), ts, (ts at time zone 'Europe/Brussels')::date, '10:00', 'published', 'fr', ${user.id}, ${user.id}
      from (select timestamptz '2024-01-01 09:00+00' + (n * interval '20 minutes') as ts from generate_series(0, 99999) n) s`.execute(db);
    await sql`insert into variants (content_item_id, language, text, status) select id, l, 'Publication de démonstration numéro ' || id || ' : votre déclaration en ligne, les délais et les aides.', 'approved' from content_items, (values ('fr'), ('nl')) v(l)`.execute(db);
    await sql`insert into content_item_channels (content_item_id, channel_id) select i.id, c.id from content_items i, channels c`.execute(db);
    await sql`
      insert into publications (variant_id, channel_id, content_item_id, languages, state, remote_id, published_at, due_at, deadline_at)
      select v.id, c.id, v.content_item_id, v.language, 'published', gen_random_uuid()::text, now(), now(), now() + interval '1 hour'
      from variants v join channels c on c.language = v.language`.execute(db);
    await sql`insert into audit_events (actor_label, action, subject_type, after) select 'bench', 'item.created', 'content_item', jsonb_build_object('n', n) from generate_series(1, 100000) n`.execute(db);
    await sql`vacuum analyze`.execute(db);
    const file = path.join(dir, "bench.backup.gz");
    let t0 = performance.now();
    const result = await backupDatabase(bench.url, file);
    const backupS = (performance.now() - t0) / 1000;
    process.stdout.write(`# ${result.tables.reduce((n, t) => n + t.rows, 0)} rows, ${(result.bytes / 1_048_576).toFixed(1)} MB compressed\n`);
    report("backup.100k_items_s", Number(backupS.toFixed(2)), "s");
    await admin.connect();
    await admin.query(`create database ${emptyName}`);
    t0 = performance.now();
    await restoreDatabase(emptyUrl, file);
    report("restore.100k_items_s", Number(((performance.now() - t0) / 1000).toFixed(2)), "s");
  } finally {
    await admin.query(`drop database if exists ${emptyName} with (force)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    await bench.close();
  }
}
