import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { backupDatabase, restoreDatabase } from "../../db/backup";
import { benchDatabase } from "./bench-database";
import { percentile, report } from "./report";
import { runPublisher } from "../../app/services/publishing.server";
import { createLogger } from "../../app/services/logger.server";
import { createDb } from "../../db/client";
import { testContext } from "../setup/database";
import { fillBigPlan } from "../setup/big-plan";
import { burstLags, seedBurst, untilSettled } from "./burst";

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
  // Due 4 s from now: about 3 s once the burst is written, so the backup below starts before it.
  const at = new Date(Date.now() + 4_000);
  const ids = await seedBurst(ctx.db, { userId, channelId, label, n: 1_000, at });
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
  await untilSettled(ctx.db, ids);
  controller.abort();
  await publisher;
  const backupS = backup ? await backup : undefined;
  const lags = await burstLags(ctx.db, ids);
  return { p99: percentile(lags, 99), ...(backupS !== undefined ? { backupS } : {}) };
}
