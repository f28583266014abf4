import path from "node:path";
import { EmbeddedPostgres, EmbeddedPostgresStartError, embeddedUrl, runningCluster } from "./embedded-postgres";
import { dataDirectory, loadOrCreateLocalSecrets, type Env } from "./local-data";

export const EMBEDDED_DATABASE = "cadence";

export interface DatabaseTarget {
  url: string;
  /** "external": DATABASE_URL; "embedded": we started it and stop it on release; "attached": a running app's. */
  kind: "external" | "embedded" | "attached";
  embedded: EmbeddedPostgres | null;
  release(): Promise<void>;
}

/** CADENCE_PG_PORT: a fixed port for the embedded database (for psql or a monitoring tool); a free one otherwise. */
export function embeddedPort(env: Env): { port?: number } {
  const raw = env.CADENCE_PG_PORT?.trim();
  if (!raw) return {};
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new EmbeddedPostgresStartError("port", `CADENCE_PG_PORT must be a port number between 1024 and 65535 (it is "${raw}"). Fix it, or remove it to let Cadence pick a free port.`);
  }
  return { port };
}

/**
 * Finds the database to use. With DATABASE_URL, that server. Otherwise the embedded PostgreSQL in
 * `.data/postgres`: the app (`owner`) starts it and refuses if another process owns it; a command-line
 * script (`cli`) attaches to the running app's cluster, or starts it for its own run.
 */
export async function openDatabaseTarget(options: {
  mode: "owner" | "cli";
  env?: Env;
  log?: (line: string) => void;
}): Promise<DatabaseTarget> {
  const env = options.env ?? process.env;
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, kind: "external", embedded: null, release: async () => {} };
  }
  const dataDir = dataDirectory(env);
  const pgDir = path.join(dataDir, "postgres");
  const secrets = loadOrCreateLocalSecrets(dataDir);
  if (options.mode === "cli") {
    const running = runningCluster(pgDir);
    if (running?.ownerPid) {
      options.log?.(`using the running app's embedded database (port ${running.port})`);
      return {
        url: embeddedUrl(running.port, secrets.dbPassword, EMBEDDED_DATABASE),
        kind: "attached",
        embedded: null,
        release: async () => {},
      };
    }
  }
  const embedded = await EmbeddedPostgres.start({
    dataDir: pgDir,
    password: secrets.dbPassword,
    database: EMBEDDED_DATABASE,
    log: options.log,
    ...embeddedPort(env),
  });
  return { url: embedded.url(EMBEDDED_DATABASE), kind: "embedded", embedded, release: () => embedded.stop() };
}
