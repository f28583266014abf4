import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Supervisor } from "../app/cli/supervisor";
import { createLogger } from "../app/services/logger.server";

/**
 * The supervisor that keeps `npm start`'s scheduler running, with real child processes: killed by
 * signals, exiting with errors, ignoring SIGTERM. Waits are on what the supervisor reports, with a
 * generous limit, never on fixed sleeps.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-supervisor-"));
const script = (name: string, body: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
};
// Each child sets its SIGTERM handler before it says it is ready, so a stop right after "ready" meets it.
const WORKS = script("works.mjs", `process.on("SIGTERM", () => process.exit(0)); setInterval(() => {}, 1000); process.send({ type: "ready" });`);
const STUBBORN = script("stubborn.mjs", `process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); process.send({ type: "ready" });`);
const CRASHES = script("crashes.mjs", `process.exit(3);`);

const spawned: ChildProcess[] = [];
const supervisors: Supervisor[] = [];
function supervise(file: string, options: { initialDelayMs?: number; maxDelayMs?: number; stopTimeoutMs?: number } = {}) {
  const lines: Record<string, unknown>[] = [];
  const supervisor = new Supervisor({
    log: createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }),
    spawn: () => {
      const child = spawn(process.execPath, [file], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
      spawned.push(child);
      return child;
    },
    initialDelayMs: options.initialDelayMs ?? 100,
    maxDelayMs: options.maxDelayMs ?? 400,
    stopTimeoutMs: options.stopTimeoutMs ?? 5_000,
  });
  supervisors.push(supervisor);
  return { supervisor, lines };
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
});
afterAll(() => {
  for (const child of spawned) if (child.pid && alive(child.pid)) child.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the scheduler's supervisor", () => {
  it("restarts a child killed with SIGKILL, logs and counts each restart", async () => {
    const { supervisor, lines } = supervise(WORKS);
    supervisor.start();
    await until(() => supervisor.status().state === "running", "the first child");
    const first = supervisor.pid()!;
    process.kill(first, "SIGKILL");
    await until(() => supervisor.status().state === "restarting", "the restart to be planned");
    expect(supervisor.status()).toMatchObject({ restarts: 1, lastExit: { code: null, signal: "SIGKILL" } });
    await until(() => supervisor.status().state === "running", "the second child");
    expect(supervisor.pid()).not.toBe(first);
    expect(lines.filter((l) => l.msg === "the scheduler process stopped unexpectedly; restarting it")).toEqual([
      expect.objectContaining({ level: "error", signal: "SIGKILL", code: null, restart: 1, delayMs: 100 }),
    ]);
  });

  it("backs off 1×, 2×, 4×… up to the limit while the child keeps dying", async () => {
    const { supervisor, lines } = supervise(CRASHES, { initialDelayMs: 50, maxDelayMs: 200 });
    supervisor.start();
    await until(() => supervisor.status().restarts >= 5, "five restarts");
    const delays = lines.filter((l) => l.msg === "the scheduler process stopped unexpectedly; restarting it").map((l) => l.delayMs);
    expect(delays.slice(0, 5)).toEqual([50, 100, 200, 200, 200]);
    expect(supervisor.status().lastExit).toMatchObject({ code: 3, signal: null });
  });

  it("stops at once when the child is already dead, however it died (no wait for an exit that has passed)", async () => {
    const { supervisor } = supervise(WORKS, { initialDelayMs: 60_000, stopTimeoutMs: 60_000 });
    supervisor.start();
    await until(() => supervisor.status().state === "running", "the child");
    process.kill(supervisor.pid()!, "SIGKILL");
    await until(() => supervisor.status().state === "restarting", "the death to be seen");
    const started = Date.now();
    await supervisor.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(supervisor.status().state).toBe("stopped");
  });

  it("a stop during the back-off cancels the restart: no child is started afterwards", async () => {
    const { supervisor } = supervise(WORKS, { initialDelayMs: 300 });
    supervisor.start();
    await until(() => supervisor.status().state === "running", "the child");
    const before = spawned.length;
    process.kill(supervisor.pid()!, "SIGKILL");
    await until(() => supervisor.status().state === "restarting", "the restart to be planned");
    await supervisor.stop();
    await new Promise((r) => setTimeout(r, 600));
    expect(spawned.length).toBe(before);
    expect(supervisor.status().state).toBe("stopped");
  });

  it("kills a child that ignores SIGTERM after the stop timeout, so a stop is bounded", async () => {
    const { supervisor, lines } = supervise(STUBBORN, { stopTimeoutMs: 300 });
    supervisor.start();
    await until(() => supervisor.status().state === "running", "the child");
    const pid = supervisor.pid()!;
    const started = Date.now();
    await supervisor.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    // SIGKILL was sent; on a loaded machine the kernel may take a moment longer to reap the child.
    await until(() => !alive(pid), "the killed child to be gone", 5_000);
    expect(lines.some((l) => l.msg === "the scheduler process did not stop in time; killing it")).toBe(true);
    expect(supervisor.status()).toMatchObject({ state: "stopped", restarts: 0 });
  });
});
