import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readChannelCredentials } from "../app/services/credentials-crypto.server";
import { BackupError, backupDatabase, backupsToKeep, readBackupHeader, restoreDatabase } from "../db/backup";
import { seedDemo } from "../app/seed/seed-demo";
import { makeApiChannel } from "./publishing-factories";
import { lastBackup, runNightlyBackup } from "../app/services/backups.server";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";

/**
 * Backups of the whole database without pg_dump: a consistent snapshot through COPY into one
 * gzip file, restored into an empty database identical table by table (checksums, sequences,
 * encrypted credentials that still decrypt, an audit trail still append-only); refused on a
 * database with data and on a damaged file, leaving it untouched.
 */
let source: TestDatabase;
let target: TestDatabase;
let dir: string;
const NOW = new Date("2026-11-24T09:00:00Z");

const everyTable = async (db: TestDatabase["db"]) => {
  const tables = (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' and tablename not like 'schema_migrations%' order by 1`.execute(db)).rows.map((r) => r.name);
  const out: Record<string, string> = {};
  for (const t of tables) out[t] = JSON.stringify((await sql<{ r: unknown }>`select to_jsonb(x) as r from ${sql.table(t)} x order by to_jsonb(x)::text`.execute(db)).rows.map((r) => r.r));
  return out;
};

beforeAll(async () => {
  source = await createTestDatabase();
  target = await createTestDatabase({ empty: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-backup-test-"));
  await seedDemo(source.db, NOW);
  await makeApiChannel(testContext(source.db), "mastodon", "fr", "https://social.example", { accessToken: "secret-token-kept-encrypted" });
});
afterAll(async () => {
  await source?.drop();
  await target?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("backup and restore", () => {
  it("restores into an empty database every table as it was, sequences after the ids, secrets readable with the same key", async () => {
    const file = path.join(dir, "full.backup.gz");
    const result = await backupDatabase(source.url, file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(result.tables.find((t) => t.table === "content_items")!.rows).toBe(75);
    const header = await readBackupHeader(file);
    expect(header.migration).toMatch(/^\d{4}_/);

    const restored = await restoreDatabase(target.url, file);
    expect(restored.tables).toBe(result.tables.length);
    expect(restored.applied).toEqual([]);
    expect(await everyTable(target.db)).toEqual(await everyTable(source.db));
    // New rows get new ids after the restored ones.
    const maxAudit = (await sql<{ n: string }>`select max(id)::text as n from audit_events`.execute(target.db)).rows[0]!.n;
    await sql`insert into audit_events (actor_label, action, subject_type) values ('test', 'after.restore', 'system')`.execute(target.db);
    expect(BigInt((await sql<{ n: string }>`select max(id)::text as n from audit_events`.execute(target.db)).rows[0]!.n)).toBeGreaterThan(BigInt(maxAudit));
    // The audit trail is still append-only.
    await expect(sql`update audit_events set action = 'changed'`.execute(target.db)).rejects.toThrow();
    // Encrypted credentials come back encrypted, and the same key reads them.
    const channel = await target.db.selectFrom("channels").selectAll().where("network", "=", "mastodon").where("base_url", "=", "https://social.example").executeTakeFirstOrThrow();
    expect(channel.credentials_encrypted).not.toContain("secret-token");
    expect(readChannelCredentials(testContext(target.db).config.credentialsKey, channel)).toEqual({ accessToken: "secret-token-kept-encrypted" });
  });

  it("refuses a database that holds data, and a damaged file, leaving the database as it was", async () => {
    const file = path.join(dir, "full.backup.gz");
    await expect(restoreDatabase(target.url, file)).rejects.toMatchObject({ reason: "not_empty" });
    // A byte changed inside one table's data: the checksum catches it, nothing is written.
    const fresh = await createTestDatabase({ empty: true });
    try {
      const { gunzipSync, gzipSync } = await import("node:zlib");
      const raw = gunzipSync(fs.readFileSync(file));
      const at = raw.indexOf("Bienvenue");
      raw[at] = raw[at]! ^ 1;
      const damaged = path.join(dir, "damaged.backup.gz");
      fs.writeFileSync(damaged, gzipSync(raw));
      const error = await restoreDatabase(fresh.url, damaged).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupError);
      expect((error as BackupError).reason).toBe("checksum");
      expect(Number((await sql<{ n: string }>`select count(*) as n from content_items`.execute(fresh.db)).rows[0]!.n)).toBe(0);
      fs.writeFileSync(path.join(dir, "not.gz"), "hello");
      await expect(restoreDatabase(fresh.url, path.join(dir, "not.gz"))).rejects.toThrow();
    } finally {
      await fresh.drop();
    }
  });

  it("takes a consistent snapshot while the app writes", async () => {
    const file = path.join(dir, "busy.backup.gz");
    let writing = true;
    const writes = (async () => {
      let i = 0;
      while (writing) await sql`insert into audit_events (actor_label, action, subject_type) values ('busy', ${`write.${i++}`}, 'system')`.execute(source.db);
    })();
    const result = await backupDatabase(source.url, file);
    writing = false;
    await writes;
    const fresh = await createTestDatabase({ empty: true });
    try {
      await restoreDatabase(fresh.url, file);
      const restoredAudit = Number((await sql<{ n: string }>`select count(*) as n from audit_events`.execute(fresh.db)).rows[0]!.n);
      expect(restoredAudit).toBe(result.tables.find((t) => t.table === "audit_events")!.rows);
    } finally {
      await fresh.drop();
    }
  });

  it("gives way to publishing: waits while publications fall due or are being sent, and never longer than its longest pause", async () => {
    const publication = await source.db.selectFrom("publications").select(["id", "state", "next_attempt_at"]).orderBy("id").executeTakeFirstOrThrow();
    const giveWay = { pollMs: 50, aheadMs: 10_000, maxPauseMs: 10_000 };
    try {
      // Due in a second: the backup waits until it has been sent (here, marked as the publisher would).
      await sql`update publications set state = 'scheduled', next_attempt_at = now() + interval '1 second' where id = ${publication.id}`.execute(source.db);
      const sent = new Promise<number>((resolve) => setTimeout(() => void sql`update publications set state = 'published' where id = ${publication.id}`.execute(source.db).then(() => resolve(Date.now())), 1_200));
      const waited = await backupDatabase(source.url, path.join(dir, "give-way.backup.gz"), { giveWay });
      const finishedAt = Date.now();
      const sentAt = await sent;
      // It paused, and did not finish before the publication was sent (a busy machine may start the
      // backup late, so the pause itself can be shorter than the second the publication was due in).
      expect(waited.pausedMs).toBeGreaterThanOrEqual(300);
      expect(finishedAt).toBeGreaterThanOrEqual(sentAt);
      expect(waited.pausedMs).toBeLessThan(5_000);
      expect((await readBackupHeader(path.join(dir, "give-way.backup.gz"))).migration).not.toBe("");
      // A publication stuck "sending" (a scheduler that died, before its recovery): one pause, then on.
      await sql`update publications set state = 'sending', claimed_at = now() where id = ${publication.id}`.execute(source.db);
      const stuck = await backupDatabase(source.url, path.join(dir, "stuck.backup.gz"), { giveWay: { ...giveWay, maxPauseMs: 300 } });
      expect(stuck.pausedMs).toBeGreaterThanOrEqual(300);
      expect(stuck.pausedMs).toBeLessThan(1_500);
      // Nothing to give way to: no pause at all.
      await sql`update publications set state = 'published' where id = ${publication.id}`.execute(source.db);
      expect((await backupDatabase(source.url, path.join(dir, "quiet.backup.gz"), { giveWay })).pausedMs).toBe(0);
    } finally {
      await sql`update publications set state = ${publication.state}, next_attempt_at = ${publication.next_attempt_at} where id = ${publication.id}`.execute(source.db);
    }
  });

  it("keeps the newest backup of each of the last 14 days and of each of the last 8 weeks", () => {
    const files = Array.from({ length: 120 }, (_, i) => ({ name: `b${i}`, at: new Date(Date.UTC(2026, 0, 1) + i * 86_400_000 + 3_600_000) }));
    files.push({ name: "same-day-earlier", at: new Date(Date.UTC(2026, 0, 1) + 119 * 86_400_000) });
    const keep = backupsToKeep(files, { daily: 14, weekly: 8 });
    expect(keep.has("b119")).toBe(true);
    expect(keep.has("same-day-earlier")).toBe(false);
    for (let i = 106; i <= 119; i++) expect(keep.has(`b${i}`)).toBe(true);
    expect(keep.size).toBeGreaterThanOrEqual(14);
    expect(keep.size).toBeLessThanOrEqual(22);
    expect(keep.has("b0")).toBe(false);
  });

  it("the nightly job writes into the data folder with the embedded database, and not for an external server unless asked", async () => {
    const saved = { dir: process.env.CADENCE_DATA_DIR, kind: process.env.CADENCE_DATABASE_KIND, nightly: process.env.BACKUP_NIGHTLY };
    process.env.CADENCE_DATA_DIR = dir;
    try {
      const ctx = { ...testContext(source.db), config: { ...testContext(source.db).config, databaseUrl: source.url, dataDir: dir } };
      process.env.CADENCE_DATABASE_KIND = "external";
      delete process.env.BACKUP_NIGHTLY;
      expect(await runNightlyBackup(ctx)).toEqual({ skipped: true });
      process.env.CADENCE_DATABASE_KIND = "embedded";
      const r = await runNightlyBackup(ctx);
      expect(r).toMatchObject({ skipped: false, pruned: 0 });
      expect(lastBackup(ctx)?.name).toBe(r.file);
      expect(fs.statSync(path.join(dir, "backups")).mode & 0o777).toBe(0o700);
    } finally {
      for (const [k, v] of [["CADENCE_DATA_DIR", saved.dir], ["CADENCE_DATABASE_KIND", saved.kind], ["BACKUP_NIGHTLY", saved.nightly]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
