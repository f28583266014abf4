/** The scheduler's jobs: each runs in its own worker thread from `jobs/<name>.ts`. */
export interface JobDefinition {
  name: string;
  /** How often (Bree's human-interval syntax). */
  interval: string;
  /** The first run, after start-up. */
  timeout: string;
}

export const JOBS: JobDefinition[] = [{ name: "purge-expired-sessions", interval: "1h", timeout: "30s" }];
