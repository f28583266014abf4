import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../app/services/context.server";
import type { Channel, User } from "../db/schema";
import { makePasswordUser, makeUser } from "./factories";
import { makeApiChannel, makeDueNow, makeScheduledItems, publicationStates } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { signedInClient } from "./setup/web";

/**
 * `npm start` as an administrator runs it (app/cli/start.ts: the web server and its supervised
 * scheduler child), with the scheduler killed -9 as an out-of-memory killer would, Ctrl-C in the
 * middle of a restart, and the web process itself killed -9 on the embedded database.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
const MARK = `cadence-start-test-${randomUUID()}`;
const SECRETS = { SESSION_SECRET: "start-test-session-secret-that-is-long-enough-0123", CREDENTIALS_KEY: Buffer.alloc(32, 7).toString("base64") }; // the key test/setup/database.ts encrypts channels with

let t: TestDatabase;
let ctx: AppContext;
let editor: User;
let approver: User;
let outboxFr: Channel;
let outboxNl: Channel;
const started = new Set<ChildProcess>();

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  editor = await makeUser(t.db, ["editor"]);
  approver = await makeUser(t.db, ["approver"]);
  outboxFr = await makeApiChannel(ctx, "outbox", "fr", null, {});
  outboxNl = await makeApiChannel(ctx, "outbox", "nl", null, {});
  await makePasswordUser(ctx, { email: "watcher@test.be", displayName: "Watcher", roles: ["editor"] });
});
afterAll(async () => {
  for (const pid of processesMarked()) process.kill(pid, "SIGKILL");
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await t?.drop();
});

interface Started {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** Starts `npm start`'s entry and waits for the line that gives its address. */
async function startCadence(env: Record<string, string | undefined>): Promise<Started> {
  // The supervised scheduler runs the publish job alone: what these tests watch (the others only cost start-up CPU).
  const merged: NodeJS.ProcessEnv = { ...process.env, ...SECRETS, NODE_ENV: "test", LOG_LEVEL: "warn", PORT: "0", HOST: "127.0.0.1", CADENCE_TEST_MARK: MARK, CADENCE_JOBS: "publish", ...env };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "app/cli/start.ts")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: merged,
  });
  started.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address within 90 s:\n${output}`)), 90_000);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const found = /Cadence is running at http:\/\/[^:]+:(\d+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${found[1]}`);
      }
    });
    void exited.then(({ code, signal }) => reject(new Error(`exited (${code}, ${signal}) before serving:\n${output}`)));
  });
  return { child, url, exited, output: () => output };
}

/** The pids of every live process started by this test file (the web processes and their scheduler children). */
function processesMarked(filter: (cmdline: string) => boolean = () => true): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, "utf8");
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      if (environ.includes(`CADENCE_TEST_MARK=${MARK}`) && filter(cmdline)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
const schedulerChildren = () => processesMarked((cmdline) => cmdline.includes("--jobs-child"));

async function health(url: string): Promise<{ httpStatus: number; body: { status?: string; scheduler?: string; schedulerRestarts?: number } }> {
  const response = await fetch(`${url}/healthz`);
  return { httpStatus: response.status, body: (await response.json()) as { status?: string; scheduler?: string } };
}

async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Asks the web server for a page every 50 ms until stopped; returns every answer it got. */
function keepAsking(url: string) {
  const answers: (number | string)[] = [];
  let going = true;
  const loop = (async () => {
    while (going) {
      try {
        answers.push((await fetch(`${url}/login`)).status);
      } catch (error) {
        answers.push(String(error));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      going = false;
      await loop;
      return answers;
    },
  };
}

describe("npm start supervises its scheduler", () => {
  it("kill -9 of the scheduler: the web answers throughout and says so, a new scheduler publishes what fell due, each post once", async () => {
    const cadence = await startCadence({ DATABASE_URL: t.url, CADENCE_DEMO: "false" });
    try {
      await until(async () => (await health(cadence.url)).body.scheduler === "running", "the scheduler to run");
      const [first] = schedulerChildren();
      expect(first).toBeDefined();
      const asking = keepAsking(cadence.url);
      const watcher = await signedInClient(cadence.url, "watcher@test.be", "correct horse battery");

      process.kill(first!, "SIGKILL");
      const down = await until(async () => {
        const h = await health(cadence.url);
        return h.body.scheduler === "restarting" && h;
      }, "the health check to show the restart");
      expect(down).toEqual({ httpStatus: 200, body: expect.objectContaining({ status: "degraded", reason: "scheduler", scheduler: "restarting", schedulerRestarts: 1 }) });
      // Every page says so; the health page says how often.
      const editorPage = await watcher.request("/publishing");
      expect(editorPage.text).toContain('data-testid="scheduler-banner"');
      expect(editorPage.text).toContain("the scheduler stopped and is restarting");
      expect(editorPage.text).toContain("Restarts since Cadence started: 1.");

      // Posts fall due while no scheduler runs.
      const itemIds = await makeScheduledItems(t.db, editor, approver, [outboxFr, outboxNl], { count: 10, localDate: "2030-03-04" });
      await makeDueNow(t.db, itemIds);

      await until(async () => (await health(cadence.url)).body.scheduler === "running", "the new scheduler to run");
      const [second] = schedulerChildren();
      expect(second).not.toBe(first);
      await until(async () => (await publicationStates(t.db, itemIds)).every((p) => p.state === "published"), "every post to be published", 30_000).catch((error: unknown) => {
        throw new Error(`${String(error)}; what Cadence said:\n${cadence.output()}`);
      });
      const messages = await t.db.selectFrom("outbox_messages").innerJoin("publications", "publications.id", "outbox_messages.publication_id").select("publication_id").where("publications.content_item_id", "in", itemIds).execute();
      expect(messages).toHaveLength(20);
      expect(new Set(messages.map((m) => m.publication_id)).size).toBe(20);
      expect(await publicationStates(t.db, itemIds)).toHaveLength(20);

      const answers = await asking.stop();
      expect(answers.length).toBeGreaterThan(10);
      expect(answers.filter((a) => a !== 200)).toEqual([]);
      const metrics = await (await fetch(`${cadence.url}/metrics`)).text();
      expect(metrics).toMatch(/^cadence_scheduler_restarts_total 1$/m);
      expect(metrics).toMatch(/^cadence_scheduler_up 1$/m);
    } finally {
      cadence.child.kill("SIGINT");
      expect(await cadence.exited).toEqual({ code: 0, signal: null });
    }
    expect(schedulerChildren()).toEqual([]);
  }, 120_000);

  it("Ctrl-C while the scheduler is being restarted stops everything, promptly, and starts nothing more", async () => {
    const cadence = await startCadence({ DATABASE_URL: t.url, CADENCE_DEMO: "false" });
    await until(async () => (await health(cadence.url)).body.scheduler === "running", "the scheduler to run");
    const [child] = schedulerChildren();
    process.kill(child!, "SIGKILL");
    await until(async () => (await health(cadence.url)).body.scheduler === "restarting", "the restart to be planned");
    const stopAsked = Date.now();
    cadence.child.kill("SIGINT");
    expect(await cadence.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopAsked).toBeLessThan(15_000);
    // The restart that was due after the back-off never happens.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(processesMarked()).toEqual([]);
  }, 120_000);

  it("kill -9 of the web process on the embedded database: its scheduler ends too, and the next start takes the database over cleanly", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-start-"));
    // PostgreSQL runs as its own user when this runs as root: it must be able to enter the folder.
    fs.chmodSync(dataDir, 0o755);
    const env = { CADENCE_DATA_DIR: dataDir, DATABASE_URL: undefined, SESSION_SECRET: undefined, CREDENTIALS_KEY: undefined, CADENCE_DEMO: undefined };
    try {
      const first = await startCadence(env);
      await until(async () => (await health(first.url)).body.scheduler === "running", "the scheduler to run");
      const owner = JSON.parse(fs.readFileSync(path.join(dataDir, "postgres.owner.json"), "utf8")) as { ownerPid: number; postgresPid: number };
      expect(owner.ownerPid).toBe(first.child.pid);

      first.child.kill("SIGKILL");
      await first.exited;
      // The scheduler child sees its parent gone and stops by itself.
      await until(() => schedulerChildren().length === 0, "the orphaned scheduler to stop", 30_000);

      const second = await startCadence(env);
      expect((await health(second.url)).body).toMatchObject({ status: expect.stringMatching(/ok|degraded/) as unknown });
      const now = JSON.parse(fs.readFileSync(path.join(dataDir, "postgres.owner.json"), "utf8")) as { ownerPid: number; postgresPid: number };
      expect(now.ownerPid).toBe(second.child.pid);
      await until(async () => (await health(second.url)).body.scheduler === "running", "the second scheduler to run");
      second.child.kill("SIGINT");
      expect(await second.exited).toEqual({ code: 0, signal: null });
      // Nothing is left running: not the first PostgreSQL, not the second.
      for (const pid of new Set([owner.postgresPid, now.postgresPid])) expect(() => process.kill(pid, 0)).toThrow();
      expect(processesMarked()).toEqual([]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
