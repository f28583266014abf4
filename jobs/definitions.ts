/** The scheduler's jobs: each runs in its own worker thread from `jobs/<name>.ts`. */
export interface JobDefinition {
  name: string;
  /** How often (Bree's human-interval syntax). */
  interval: string;
  /** The first run, after start-up ("0": at once). */
  timeout: string;
  /** A job that runs until the scheduler stops it; the interval restarts it if it ever exits. */
  longRunning?: boolean;
}

export const JOBS: JobDefinition[] = [
  // Sends publications at their second, and every 30 s settles those left "sending" by a process
  // that died during the call; restarted within 15 s if its worker ever dies.
  { name: "publish", interval: "15s", timeout: "0", longRunning: true },
  // Renews access tokens that expire within 30 minutes (X, LinkedIn).
  { name: "refresh-channel-tokens", interval: "10m", timeout: "45s" },
  // Reminds translators and approvers of items due soon that are not ready.
  { name: "remind", interval: "15m", timeout: "1m" },
  { name: "purge-expired-sessions", interval: "1h", timeout: "30s" },
  // Reads what citizens address to each channel (each network's own back-off applies), settles
  // answers left "sending" by a process that died, and tells people of overdue conversations.
  { name: "collect-inbox", interval: "1m", timeout: "10s" },
  // Searches the watched terms (team settings) on the networks that offer public search.
  { name: "watch-inbox", interval: "5m", timeout: "40s" },
  // Reads each published post's public figures at 1 h, 24 h, 7 and 28 days (batched, within each network's limits).
  { name: "collect-metrics", interval: "5m", timeout: "50s" },
  // Retrains the tag-suggestion model when tags, tagged texts or editors' feedback changed (at start, then every 5 minutes).
  { name: "train-tags", interval: "5m", timeout: "0" },
  // Backs up the whole database into .data/backups (embedded database; BACKUP_NIGHTLY), keeping 14 daily and 8 weekly.
  { name: "backup", interval: "24h", timeout: "20m" },
  // Deletes the media files that no post has used for 30 days.
  { name: "purge-media", interval: "6h", timeout: "3m" },
  // Forgets citizens' messages once their conversation ended longer ago than the retention period.
  { name: "purge-inbox", interval: "6h", timeout: "2m" },
];

/**
 * The jobs a scheduler runs: all of them, or the comma-separated names in CADENCE_JOBS (a scheduler
 * dedicated to publishing: `CADENCE_JOBS=publish`; docs/deployment.md). Null with the unknown names
 * when the list names a job that does not exist.
 */
export function selectJobs(spec: string | undefined): { ok: true; jobs: JobDefinition[] } | { ok: false; unknown: string[] } {
  if (spec === undefined || spec.trim() === "") return { ok: true, jobs: JOBS };
  const names = spec.split(",").map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !JOBS.some((j) => j.name === n));
  if (unknown.length > 0) return { ok: false, unknown };
  return { ok: true, jobs: JOBS.filter((j) => names.includes(j.name)) };
}
