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

/** Prometheus text for the scheduler: up or not, the heartbeat's age, and (under `npm start`) the restarts so far. */
export function schedulerMetrics(health: SchedulerHealth): string {
  const lines = [
    "# HELP cadence_scheduler_up 1 while a scheduler process is running, else 0 (down, starting or restarting).",
    "# TYPE cadence_scheduler_up gauge",
    `cadence_scheduler_up ${health.state === "running" ? 1 : 0}`,
  ];
  if (health.heartbeatAgeSeconds !== null) {
    lines.push("# HELP cadence_scheduler_heartbeat_age_seconds Seconds since the freshest scheduler heartbeat.", "# TYPE cadence_scheduler_heartbeat_age_seconds gauge");
    lines.push(`cadence_scheduler_heartbeat_age_seconds ${health.heartbeatAgeSeconds.toFixed(1)}`);
  }
  if (health.restarts !== null) {
    lines.push("# HELP cadence_scheduler_restarts_total Times the scheduler process died and was restarted since this web process started.", "# TYPE cadence_scheduler_restarts_total counter");
    lines.push(`cadence_scheduler_restarts_total ${health.restarts}`);
  }
  return `${lines.join("\n")}\n`;
}
