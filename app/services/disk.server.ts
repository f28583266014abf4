import { freeBytes } from "../../db/embedded-postgres";
import type { AppContext } from "./context.server";

/**
 * The data folder's disk (the embedded database, media, backups). Below `DISK_MIN_FREE_MB` free
 * (200 MB by default) publishing pauses before PostgreSQL runs out of room mid-way, /healthz is
 * "degraded" with reason "disk", /metrics says so and every page shows a banner. Nothing is lost:
 * what falls due meanwhile goes out once there is room again (within its retry window).
 */
export interface DiskState {
  freeBytes: number;
  minFreeBytes: number;
  low: boolean;
}

/** Bytes as whole megabytes (MiB), as the health check, the log and the banner show them. */
export function megabytes(bytes: number): number {
  return Math.round(bytes / 1048576);
}

export function diskState(ctx: Pick<AppContext, "config">): DiskState {
  const free = freeBytes(ctx.config.dataDir);
  return { freeBytes: free, minFreeBytes: ctx.config.diskMinFreeBytes, low: free < ctx.config.diskMinFreeBytes };
}

/** A disk check read at most once a second (the publisher's loop runs far more often under a burst). */
export function throttledDiskCheck(check: () => DiskState, everyMs = 1_000): () => DiskState {
  let last: { at: number; state: DiskState } | null = null;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= everyMs) last = { at: now, state: check() };
    return last.state;
  };
}

