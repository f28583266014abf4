import type { ChildProcess } from "node:child_process";
import type { SupervisedProcessStatus } from "../domain/scheduler-health";
import type { Logger } from "../services/logger.server";

export interface SupervisorOptions {
  /** Starts the child. It must have an IPC channel and send `{ type: "ready" }` once it works. */
  spawn: () => ChildProcess;
  log: Logger;
  /** First restart delay; each failure in a row doubles it, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A child that ran this long before dying starts the back-off again from `initialDelayMs`. */
  stableAfterMs?: number;
  /** How long stop() lets the child end after SIGTERM before SIGKILL, and then waits again. */
  stopTimeoutMs?: number;
  /** Called after every restart decision (for the restart counter in /metrics). */
  onRestart?: (restarts: number) => void;
}

interface Running {
  child: ChildProcess;
  startedAt: number;
  /** Resolves when the process has ended, however it ended (set at spawn, so never missed). */
  ended: Promise<void>;
  alive: boolean;
}

/**
 * Keeps one child process running: restarted with back-off (1 s, 2 s, 4 s… at most 1 min) whenever
 * it dies, each restart logged and counted. A child is known dead from its own `exit` event,
 * recorded when it was spawned — never from `exitCode`, which stays null for a process killed by a
 * signal. stop() is bounded: SIGTERM, then SIGKILL after `stopTimeoutMs`, then at most as long again.
 */
export class Supervisor {
  private running: Running | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private failuresInARow = 0;
  private stopping = false;
  private readonly current: SupervisedProcessStatus = { state: "stopped", restarts: 0, lastExit: null, nextStartAt: null };
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly stableAfterMs: number;
  private readonly stopTimeoutMs: number;

  constructor(private readonly options: SupervisorOptions) {
    this.initialDelayMs = options.initialDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.stableAfterMs = options.stableAfterMs ?? 60_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 20_000;
  }

  status(): SupervisedProcessStatus {
    return { ...this.current, lastExit: this.current.lastExit && { ...this.current.lastExit } };
  }

  /** The pid of the child running now, if any. */
  pid(): number | null {
    return this.running?.alive ? (this.running.child.pid ?? null) : null;
  }

  start(): void {
    if (this.stopping || this.running?.alive) return;
    this.current.state = "starting";
    this.current.nextStartAt = null;
    let child: ChildProcess;
    try {
      child = this.options.spawn();
    } catch (error) {
      this.options.log.error("the scheduler process could not be started", { error });
      this.scheduleRestart(null, null);
      return;
    }
    let markEnded: () => void = () => undefined;
    const run: Running = { child, startedAt: Date.now(), ended: new Promise<void>((resolve) => (markEnded = resolve)), alive: true };
    this.running = run;
    child.on("message", (message: unknown) => {
      if (run.alive && !this.stopping && typeof message === "object" && message !== null && (message as { type?: unknown }).type === "ready") this.current.state = "running";
    });
    // 'error' without 'exit' (the spawn itself failed) ends the process all the same.
    child.once("error", (error) => {
      this.options.log.error("the scheduler process failed", { error });
      if (child.pid === undefined) onEnd(null, null);
    });
    const onEnd = (code: number | null, signal: NodeJS.Signals | null) => {
      if (!run.alive) return;
      run.alive = false;
      markEnded();
      this.current.lastExit = { code, signal, at: new Date().toISOString() };
      if (this.stopping) {
        this.current.state = "stopped";
        return;
      }
      if (Date.now() - run.startedAt >= this.stableAfterMs) this.failuresInARow = 0;
      this.scheduleRestart(code, signal);
    };
    child.once("exit", onEnd);
  }

  private scheduleRestart(code: number | null, signal: NodeJS.Signals | null): void {
    const delayMs = Math.min(this.initialDelayMs * 2 ** this.failuresInARow, this.maxDelayMs);
    this.failuresInARow++;
    this.current.restarts++;
    this.current.state = "restarting";
    this.current.nextStartAt = new Date(Date.now() + delayMs).toISOString();
    this.options.log.error("the scheduler process stopped unexpectedly; restarting it", { code, signal, restart: this.current.restarts, delayMs });
    this.options.onRestart?.(this.current.restarts);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, delayMs);
  }

  /** Stops the child and any pending restart. Resolves within about twice `stopTimeoutMs`, whatever the child does. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.current.nextStartAt = null;
    const run = this.running;
    if (!run?.alive) {
      this.current.state = "stopped";
      return;
    }
    run.child.kill("SIGTERM");
    if (await endsWithin(run.ended, this.stopTimeoutMs)) return;
    this.options.log.warn("the scheduler process did not stop in time; killing it", { timeoutMs: this.stopTimeoutMs });
    run.child.kill("SIGKILL");
    if (!(await endsWithin(run.ended, this.stopTimeoutMs))) this.options.log.error("the scheduler process could not be killed", { pid: run.child.pid });
    this.current.state = "stopped";
  }
}

/** True if `ended` resolved within `ms`. */
export async function endsWithin(ended: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([ended.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
