import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabaseTarget } from "./connection";
import { EmbeddedPostgres, EmbeddedPostgresBusyError, runningCluster } from "./embedded-postgres";
import { PROJECT_ROOT } from "./local-data";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-embedded-test-"));
fs.chmodSync(root, 0o755);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL", () => {
  const dataDir = path.join(root, "pg");
  const password = "test-password";

  it("starts, keeps what was written across a stop and a start, and stops its process", async () => {
    const first = await EmbeddedPostgres.start({ dataDir, password, database: "cadence" });
    const firstPid = first.pid!;
    await query(first.url("cadence"), "create table kept (v text); insert into kept values ('été – zomer')");
    await first.stop();
    expect(() => process.kill(firstPid, 0)).toThrow();
    expect(runningCluster(dataDir)).toBeNull();

    const second = await EmbeddedPostgres.start({ dataDir, password, database: "cadence" });
    try {
      expect(await query<{ v: string }>(second.url("cadence"), "select v from kept")).toEqual([{ v: "été – zomer" }]);
    } finally {
      await second.stop();
    }
  });

  it("a second start on the same data directory refuses clearly and leaves the first one working", async () => {
    const first = await EmbeddedPostgres.start({ dataDir, password, database: "cadence" });
    try {
      const error = await EmbeddedPostgres.start({ dataDir, password, database: "cadence" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmbeddedPostgresBusyError);
      expect((error as Error).message).toMatch(/already in use by process \d+/);
      expect(await query<{ n: number }>(first.url("cadence"), "select count(*)::int as n from kept")).toEqual([{ n: 1 }]);
    } finally {
      await first.stop();
    }
  });

  it("a second process cannot start it either, and says why", async () => {
    const first = await EmbeddedPostgres.start({ dataDir, password, database: "cadence" });
    try {
      const script = `
        import { EmbeddedPostgres } from ${JSON.stringify(path.join(PROJECT_ROOT, "db", "embedded-postgres.ts"))};
        try { await EmbeddedPostgres.start({ dataDir: ${JSON.stringify(dataDir)}, password: "x", database: "cadence" }); process.exit(0); }
        catch (e) { console.error(e.message); process.exit(3); }`;
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: PROJECT_ROOT }, (err, _out, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
        );
        child.stdin?.end();
      });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/already in use by process/);
    } finally {
      await first.stop();
    }
  });

  it("stops an orphaned PostgreSQL whose owner died, then starts normally", async () => {
    const first = await EmbeddedPostgres.start({ dataDir, password, database: "cadence" });
    const orphanPid = first.pid!;
    // Pretend the owning process was killed -9: the owner record names a dead pid.
    fs.writeFileSync(`${dataDir}.owner.json`, JSON.stringify({ ownerPid: 2 ** 22 - 1, postgresPid: orphanPid, port: first.port }));
    const second = await EmbeddedPostgres.start({ dataDir, password, database: "cadence" });
    try {
      expect(() => process.kill(orphanPid, 0)).toThrow();
      expect(await query<{ n: number }>(second.url("cadence"), "select count(*)::int as n from kept")).toEqual([{ n: 1 }]);
    } finally {
      await second.stop();
      await first.stop();
    }
  });

  it("command-line scripts attach to the running app's database instead of starting a second one", async () => {
    const env = { CADENCE_DATA_DIR: path.join(root, "app-data") };
    const app = await openDatabaseTarget({ mode: "owner", env });
    try {
      expect(app.kind).toBe("embedded");
      const cli = await openDatabaseTarget({ mode: "cli", env });
      expect(cli.kind).toBe("attached");
      expect(cli.url).toBe(app.url);
      await cli.release();
      expect(await query<{ one: number }>(app.url, "select 1 as one")).toEqual([{ one: 1 }]);
      const secondApp = await openDatabaseTarget({ mode: "owner", env }).catch((e: unknown) => e);
      expect(secondApp).toBeInstanceOf(EmbeddedPostgresBusyError);
    } finally {
      await app.release();
    }
    const alone = await openDatabaseTarget({ mode: "cli", env });
    expect(alone.kind).toBe("embedded");
    await alone.release();
  });

  it("uses DATABASE_URL as given, without starting anything", async () => {
    const target = await openDatabaseTarget({ mode: "owner", env: { DATABASE_URL: "postgres://u:p@db.internal:5432/cadence" } });
    expect(target).toMatchObject({ kind: "external", url: "postgres://u:p@db.internal:5432/cadence", embedded: null });
  });
});
