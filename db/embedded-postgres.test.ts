import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { embeddedPort, openDatabaseTarget } from "./connection";
import { diagnoseStartFailure, EmbeddedPostgres, EmbeddedPostgresBusyError, EmbeddedPostgresStartError, runningCluster } from "./embedded-postgres";
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

  describe("refusing to start, with the cause and the next step", () => {
    /** A stopped cluster copied with its owner and modes (cp -a), to damage one way or another. */
    const source = path.join(root, "healthy");
    const copyOf = async (name: string) => {
      if (!fs.existsSync(path.join(source, "PG_VERSION"))) await (await EmbeddedPostgres.start({ dataDir: source, password, database: "cadence" })).stop();
      const copy = path.join(root, name);
      execFileSync("cp", ["-a", source, copy]);
      return copy;
    };
    const refusal = async (options: Parameters<typeof EmbeddedPostgres.start>[0]) => {
      const error = await EmbeddedPostgres.start(options).then(
        async (started) => (await started.stop(), null),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EmbeddedPostgresStartError);
      return error as EmbeddedPostgresStartError;
    };

    it("a port already taken", async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        const error = await refusal({ dataDir: await copyOf("port"), password, database: "cadence", port });
        expect(error.problem).toBe("port");
        expect(error.message).toContain(`Port ${port} on 127.0.0.1`);
        expect(error.message).toContain("CADENCE_PG_PORT");
      } finally {
        blocker.close();
      }
      expect(() => embeddedPort({ CADENCE_PG_PORT: "80" })).toThrow(/between 1024 and 65535/);
      expect(embeddedPort({ CADENCE_PG_PORT: "55432" })).toEqual({ port: 55432 });
    });

    it("a full disk", async () => {
      const error = await refusal({ dataDir: await copyOf("disk"), password, database: "cadence", minFreeBytes: Number.MAX_SAFE_INTEGER });
      expect(error.problem).toBe("disk");
      expect(error.message).toMatch(/has \d+ MB free; PostgreSQL needs at least/);
      expect(diagnoseStartFailure("/d", 1, 'FATAL:  could not write to file "pg_wal/xlogtemp.12": No space left on device')?.problem).toBe("disk");
    });

    it("a folder that is not a Cadence database, left as it was", async () => {
      const foreign = path.join(root, "foreign");
      fs.mkdirSync(foreign);
      fs.writeFileSync(path.join(foreign, "notes.txt"), "mes notes");
      const error = await refusal({ dataDir: foreign, password, database: "cadence" });
      expect(error.problem).toBe("foreign");
      expect(error.message).toContain("is not an embedded Cadence database");
      expect(fs.readdirSync(foreign)).toEqual(["notes.txt"]);
    });

    it("a data directory of another PostgreSQL major version", async () => {
      const other = await copyOf("other-major");
      fs.writeFileSync(path.join(other, "PG_VERSION"), "15\n");
      const error = await refusal({ dataDir: other, password, database: "cadence" });
      expect(error.problem).toBe("incompatible");
      expect(error.message).toMatch(/created by PostgreSQL 15; this Cadence runs PostgreSQL 1[6-9]/);
      expect(error.message).toContain("Upgrading the embedded PostgreSQL");
    });

    it("a damaged data directory: its control file missing, or cut short (PostgreSQL's own refusal, read)", async () => {
      const missing = await copyOf("no-control");
      fs.rmSync(path.join(missing, "global", "pg_control"));
      const error = await refusal({ dataDir: missing, password, database: "cadence" });
      expect(error.problem).toBe("corrupt");
      expect(error.message).toContain("db:restore");
      const cut = await copyOf("cut-control");
      fs.truncateSync(path.join(cut, "global", "pg_control"), 100);
      const refused = await refusal({ dataDir: cut, password, database: "cadence" });
      expect(refused.problem).toBe("corrupt");
      expect(refused.message).toMatch(/damaged and PostgreSQL will not start it \(.*(control file|pg_control)/);
    });

    it("npm start says it in one paragraph, without a stack trace, and exits", async () => {
      const data = path.join(root, "start-foreign");
      fs.mkdirSync(path.join(data, "postgres"), { recursive: true });
      fs.writeFileSync(path.join(data, "postgres", "old.txt"), "x");
      const env: NodeJS.ProcessEnv = { ...process.env, CADENCE_DATA_DIR: data };
      delete env.DATABASE_URL;
      const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
        execFile(
          process.execPath,
          ["--import", "tsx", path.join(PROJECT_ROOT, "app", "cli", "start.ts")],
          { cwd: PROJECT_ROOT, env, timeout: 60_000 },
          (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` }),
        );
      });
      expect(result.code).toBe(1);
      expect(result.out).toContain("Cadence could not start:");
      expect(result.out).toContain("is not an embedded Cadence database");
      expect(result.out).not.toMatch(/^\s+at /m);
    });
  });
});
