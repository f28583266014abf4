import os from "node:os";
import { randomBytes } from "node:crypto";
import { beat, endHeartbeat, freshestHeartbeatAge } from "../../db/repositories/scheduler-heartbeats";
import { schedulerHealth, type SchedulerHealth } from "../domain/scheduler-health";
import type { AppContext } from "./context.server";

export const HEARTBEAT_INTERVAL_MS = 5_000;

/** A scheduler process says it is alive every few seconds until stop(), which removes its row. */
export function startHeartbeat(ctx: AppContext, intervalMs = HEARTBEAT_INTERVAL_MS): { stop(): Promise<void> } {
  const who = { instance: `${os.hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`, host: os.hostname(), pid: process.pid, startedAt: ctx.now() };
  let failing = false;
  const once = async () => {
    try {
      await beat(ctx.db, who);
      if (failing) ctx.log.info("scheduler heartbeat written again");
      failing = false;
    } catch (error) {
      // Said once per outage, not every five seconds.
      if (!failing) ctx.log.warn("scheduler heartbeat could not be written", { error });
      failing = true;
    }
  };
  let pending = once();
  const timer = setInterval(() => {
    pending = once();
  }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
      await endHeartbeat(ctx.db, who.instance).catch((error: unknown) => ctx.log.warn("scheduler heartbeat could not be removed", { error }));
    },
  };
}

/** Whether a scheduler is running, for /healthz, /metrics, the health page and the banner. */
export async function schedulerStatus(ctx: AppContext): Promise<SchedulerHealth> {
  return schedulerHealth(await freshestHeartbeatAge(ctx.db), ctx.supervisedScheduler?.() ?? null);
}

