import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { backupDatabase, restoreDatabase } from "../../db/backup";
import { benchDatabase } from "./bench-database";
import { percentile, report } from "./report";
import { runPublisher } from "../../app/services/publishing.server";
import { contentHashOf, sourceHashOf } from "../../app/services/review.server";
import { createLogger } from "../../app/services/logger.server";
import { createDb } from "../../db/client";
import { testContext } from "../setup/database";
import { fillBigPlan } from "../setup/big-plan";

/**
 * backup.100k_items_s and restore.100k_items_s: a database with 100,000 items (both texts, two
 * channels each, 200,000 publications, 100,000 audit events) backed up with `db:backup`'s code,
 * then restored into an empty database on the same server. Before that, on the same database, the
 * publishing lag of a 1,000-post burst without a backup and while one runs
 * (backup.publish_lag_ratio: the issue's goal is at most 1.5).
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
    await fillBigPlan(db, { authorId: user.id, count: 100_000 });
    const file = path.join(dir, "bench.backup.gz");
    // Publishing while a backup runs: the same burst without, then during one (measured in one run).
    const publisherDb = createDb(bench.url, { max: 16 });
    const publisherCtx = { ...testContext(publisherDb), log: createLogger({ level: "error", write: () => {} }) };
    const outbox = await db.insertInto("channels").values({ network: "outbox", language: "bilingual", name: "Outbox", handle: "outbox", base_url: null, credentials_encrypted: null }).returning("id").executeTakeFirstOrThrow();
    const quiet = await publishBurst(publisherCtx, user.id, outbox.id, "quiet", null);
    const busy = await publishBurst(publisherCtx, user.id, outbox.id, "backup", { url: bench.url, file: path.join(dir, "during.backup.gz") });
    await publisherDb.destroy();
    report("backup.publish_1000_lag_p99_without_ms", Math.round(quiet.p99), "ms");
    report("backup.publish_1000_lag_p99_during_ms", Math.round(busy.p99), "ms");
    report("backup.publish_lag_ratio", Number((busy.p99 / quiet.p99).toFixed(2)), "during/without");
    process.stdout.write(`# db:backup during the burst started 2.5 s before it was due and took ${busy.backupS?.toFixed(1)} s\n`);
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

/**
 * 1,000 approved bilingual posts on the outbox, due at one second, sent by the publisher as the
 * scheduler runs it; with `backupTo`, `npm run db:backup` of the whole database starts in its own
 * process just before they fall due. Lag = the call's start − the due instant.
 */
async function publishBurst(
  ctx: ReturnType<typeof testContext>,
  userId: string,
  channelId: string,
  label: string,
  backupTo: { url: string; file: string } | null,
): Promise<{ p99: number; backupS?: number }> {
  const n = 1_000;
  const items = await ctx.db
    .insertInto("content_items")
    .values(Array.from({ length: n }, () => ({ scheduled_at: new Date(), local_date: "2030-01-01", local_time: "10:00", status: "scheduled" as const, source_language: "fr" as const, author_id: userId, updated_by: userId })))
    .returning("id")
    .execute();
  const ids = items.map((i) => i.id);
  await ctx.db
    .insertInto("variants")
    .values(
      items.flatMap((item, i) => {
        const fr = { text: `Publication ${label} ${i} : votre déclaration.`, link_url: null, image_alt: null };
        const nl = { text: `Bericht ${label} ${i}: uw aangifte.`, link_url: null, image_alt: null };
        const approved = { status: "approved" as const, approved_by: userId, approved_at: new Date() };
        return [
          { content_item_id: item.id, language: "fr" as const, ...fr, ...approved, approved_hash: contentHashOf(fr), source_hash: null },
          { content_item_id: item.id, language: "nl" as const, ...nl, ...approved, approved_hash: contentHashOf(nl), source_hash: sourceHashOf("fr", [{ language: "fr", ...fr }]) },
        ];
      }),
    )
    .execute();
  await ctx.db.insertInto("content_item_channels").values(ids.map((id) => ({ content_item_id: id, channel_id: channelId }))).execute();
  const at = new Date(Date.now() + 3_000);
  await sql`
    insert into publications (content_item_id, variant_id, channel_id, languages, state, due_at, next_attempt_at, deadline_at)
    select i.id, v.id, ${channelId}, 'fr+nl', 'scheduled', ${at}, ${at}, ${new Date(at.getTime() + 7_200_000)}
    from content_items i join variants v on v.content_item_id = i.id and v.language = 'fr'
    where i.id in (${sql.join(ids)})`.execute(ctx.db);
  const controller = new AbortController();
  const publisher = runPublisher(ctx, { signal: controller.signal, concurrency: 64 });
  // `npm run db:backup` in its own process, as an administrator (or the nightly job's worker) runs
  // it beside the scheduler, started 2.5 s before the burst is due: it is copying the big tables by then.
  await new Promise((r) => setTimeout(r, Math.max(0, at.getTime() - 2_500 - Date.now())));
  const started = performance.now();
  const backup = backupTo
    ? new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", path.resolve("db/cli/backup.ts"), "--out", backupTo.file], { env: { ...process.env, DATABASE_URL: backupTo.url }, stdio: ["ignore", "ignore", "inherit"] });
        child.once("exit", (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`db:backup exited ${code}`))));
      })
    : null;
  for (;;) {
    const left = await ctx.db
      .selectFrom("publications")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("content_item_id", "in", ids)
      .where("state", "in", ["scheduled", "sending"])
      .executeTakeFirstOrThrow();
    if (Number(left.n) === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  controller.abort();
  await publisher;
  const backupS = backup ? await backup : undefined;
  const rows = await sql<{ lag: number }>`select extract(epoch from (sent_at - due_at)) * 1000 as lag from publications where state = 'published' and content_item_id in (${sql.join(ids)})`.execute(ctx.db);
  if (rows.rows.length !== n) throw new Error(`only ${rows.rows.length} of ${n} published`);
  const lags = rows.rows.map((r) => Number(r.lag)).sort((a, b) => a - b);
  return { p99: percentile(lags, 99), ...(backupS !== undefined ? { backupS } : {}) };
}
