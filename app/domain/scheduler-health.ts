/**
 * Is the scheduler (the process that publishes, recovers, reminds) alive? Two witnesses: the
 * heartbeat each scheduler process writes to the database every few seconds (true across processes
 * and machines), and, under `npm start`, the supervisor that restarts it (which knows at once that
 * its child died and when it will try again).
 */

/** What `npm start`'s supervisor knows of the scheduler process it runs. */
export interface SupervisedProcessStatus {
  state: "starting" | "running" | "restarting" | "stopped";
  /** Restarts since `npm start` began. */
  restarts: number;
  /** How the last process ended, if one did. */
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  /** When the next start is due (restarting only). */
  nextStartAt: string | null;
}

export type SchedulerState = "running" | "starting" | "restarting" | "down";

export interface SchedulerHealth {
  state: SchedulerState;
  /** Seconds since the freshest heartbeat, or null if no scheduler ever beat. */
  heartbeatAgeSeconds: number | null;
  restarts: number | null;
  nextStartAt: string | null;
}

/** A heartbeat older than this means its scheduler is gone (it beats every 5 s). */
export const HEARTBEAT_STALE_SECONDS = 20;

export function schedulerHealth(heartbeatAgeSeconds: number | null, supervised: SupervisedProcessStatus | null): SchedulerHealth {
  const fresh = heartbeatAgeSeconds !== null && heartbeatAgeSeconds <= HEARTBEAT_STALE_SECONDS;
  const base = { heartbeatAgeSeconds, restarts: supervised?.restarts ?? null, nextStartAt: supervised?.nextStartAt ?? null };
  // The supervisor knows first: a child that died an instant ago still has a fresh heartbeat.
  if (supervised && supervised.state === "restarting") return { ...base, state: "restarting" };
  if (supervised && supervised.state === "stopped") return { ...base, state: "down" };
  if (fresh) return { ...base, state: "running" };
  if (supervised?.state === "starting" || (supervised?.state === "running" && heartbeatAgeSeconds === null)) return { ...base, state: "starting" };
  return { ...base, state: "down" };
}
