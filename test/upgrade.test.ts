import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBackupHeader, restoreDatabase } from "../db/backup";
import { migrations } from "../db/migrations";
import { migrateToVersion } from "../db/migrate";
import { fillBigPlan } from "./setup/big-plan";
import { createTestDatabase, type TestDatabase } from "./setup/database";

/**
 * Upgrading Cadence on a database that has lived: the previous release's demo, backed up by that
 * release's own code (commit 0a3f41c, `db:backup`; kept as a fixture), restored at its migration,
 * grown with the benchmark's 100,000 items, then brought to this release's schema one migration
 * at a time, each timed. While each runs, a second connection watches for locks that block writes
 * (SHARE and stronger) on the big tables: a migration holding one longer than LOCK_LIMIT_MS on a
 * table of this size would stop publishing and editing during an upgrade, and is flagged.
 *
 * When a release adds migrations, replace the fixture with a backup made by the release before it
 * (docs/operations.md, "Upgrading Cadence").
 */
const FIXTURE = path.resolve(import.meta.dirname, "fixtures/upgrade/release-0a3f41c-demo.backup.gz");
const BIG_TABLES = ["content_items", "variants", "content_item_channels", "publications", "audit_events"];
const LOCK_LIMIT_MS = 2_000;
const BLOCKING = ["ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"];

/** Watches, every 20 ms, which big tables another session holds a write-blocking lock on, and for how long. */
async function watchBlockingLocks(url: string): Promise<{ stop(): Promise<{ table: string; mode: string; ms: number }[]> }> {
  const client = new pg.Client({ connectionString: url, application_name: "cadence-lock-watch" });
  await client.connect();
  const seen = new Map<string, { first: number; last: number }>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = await client.query<{ relname: string; mode: string }>(
        `select c.relname, l.mode from pg_locks l join pg_class c on c.oid = l.relation
         where l.granted and l.pid <> pg_backend_pid() and c.relname = any($1) and l.mode = any($2)`,
        [BIG_TABLES, BLOCKING],
      );
      const now = performance.now();
      for (const row of r.rows) {
        const key = `${row.relname} ${row.mode}`;
        const s = seen.get(key);
        if (s) s.last = now;
        else seen.set(key, { first: now, last: now });
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      if (running) {
        running = false;
        await loop;
        await client.end();
      }
      return [...seen].map(([key, s]) => ({ table: key.split(" ")[0]!, mode: key.split(" ")[1]!, ms: Math.round(s.last - s.first) }));
    },
  };
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ empty: true });
});
afterAll(async () => {
  await t?.drop();
});

describe("upgrading from the previous release", () => {
  it("its demo backup plus 100,000 items takes this release's migrations in seconds, none blocking writes on a big table for long, and loses nothing", async () => {
    const header = await readBackupHeader(FIXTURE);
    const names = Object.keys(migrations);
    const pending = names.slice(names.indexOf(header.migration) + 1);
    expect(names).toContain(header.migration);
    const restored = await restoreDatabase(t.url, FIXTURE, { migrate: false });
    expect(restored.applied).toEqual([]);
    const author = await t.db.selectFrom("users").select(["id", "email", "password_hash"]).where("email", "=", "editor@demo.cadence.test").executeTakeFirst();
    const anyAuthor = author ?? (await t.db.selectFrom("users").select(["id", "email", "password_hash"]).orderBy("email").executeTakeFirstOrThrow());
    const before = {
      demoItems: Number((await t.db.selectFrom("content_items").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n),
      audit: Number((await t.db.selectFrom("audit_events").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n),
    };
    expect(before.demoItems).toBeGreaterThan(50);
    await fillBigPlan(t.db, { authorId: anyAuthor.id, count: 100_000 });

    const timings: string[] = [];
    const flagged: string[] = [];
    for (const name of pending) {
      const watch = await watchBlockingLocks(t.url);
      const started = performance.now();
      let applied: string[];
      try {
        applied = await migrateToVersion(t.url, name);
      } finally {
        await watch.stop();
      }
      const ms = Math.round(performance.now() - started);
      expect(applied).toEqual([`applied ${name}`]);
      const locks = await watch.stop();
      timings.push(`${name}: ${ms} ms${locks.length ? ` (${locks.map((l) => `${l.table} ${l.mode} ~${l.ms} ms`).join(", ")})` : ""}`);
      for (const l of locks) if (l.ms > LOCK_LIMIT_MS) flagged.push(`${name} held ${l.mode} on ${l.table} for about ${l.ms} ms`);
    }
    process.stdout.write(`upgrade from ${header.migration} with 100,000 items:\n  ${timings.join("\n  ") || "nothing to apply"}\n`);
    expect(flagged, "a migration blocks writes on a big table for too long: make it online (add nullable, backfill in batches) or split it").toEqual([]);

    // Nothing lost: the demo's items, users and audit trail, and the trail is still append-only.
    const items = Number((await t.db.selectFrom("content_items").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
    expect(items).toBe(before.demoItems + 100_000);
    const user = await t.db.selectFrom("users").select(["email", "password_hash"]).where("id", "=", anyAuthor.id).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: anyAuthor.email, password_hash: anyAuthor.password_hash });
    expect(Number((await t.db.selectFrom("audit_events").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n)).toBe(before.audit + 100_000);
    await expect(sql`update audit_events set action = 'changed'`.execute(t.db)).rejects.toThrow();
  }, 180_000);

  it("the watch flags a migration that holds a big table while it works", async () => {
    const watch = await watchBlockingLocks(t.url);
    await t.db.transaction().execute(async (tx) => {
      await sql`lock table publications in share mode`.execute(tx);
      await sql`select pg_sleep(2.5)`.execute(tx);
    });
    const locks = await watch.stop();
    expect(locks.find((l) => l.table === "publications" && l.mode === "ShareLock")?.ms).toBeGreaterThan(LOCK_LIMIT_MS);
  });
});
