import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Environment variables, as given or as a test sets them. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The project's root folder: the nearest folder above this module that holds Cadence's
 * package.json (this file sits in db/; compiled into build/jobs/ it sits two levels deeper).
 */
export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string }).name === "cadence") return dir;
    } catch {
      // No package.json here, or not ours: look further up.
    }
    if (path.dirname(dir) === dir) return path.resolve(from, "..");
  }
}

/** Where demo mode keeps its database and generated secrets: `.data/` unless CADENCE_DATA_DIR says otherwise. */
export function dataDirectory(env: Env = process.env): string {
  return path.resolve(PROJECT_ROOT, env.CADENCE_DATA_DIR || ".data");
}

export interface LocalSecrets {
  dbPassword: string;
  sessionSecret: string;
  /** 32 bytes, base64: the AES-256-GCM key for channel credentials. */
  credentialsKey: string;
}

/**
 * Demo mode's secrets, generated once into `<data dir>/secrets.json` (mode 0600) and reused, so that
 * sessions and encrypted credentials survive restarts. Never used when the environment provides them.
 */
export function loadOrCreateLocalSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  if (fs.existsSync(file)) {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LocalSecrets>;
    if (parsed.dbPassword && parsed.sessionSecret && parsed.credentialsKey) return parsed as LocalSecrets;
    throw new Error(`${file} is incomplete; delete it together with ${path.join(dataDir, "postgres")} to start afresh.`);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secrets: LocalSecrets = {
    dbPassword: randomBytes(24).toString("base64url"),
    sessionSecret: randomBytes(32).toString("base64url"),
    credentialsKey: randomBytes(32).toString("base64"),
  };
  // "wx": two processes starting at once cannot both write; the loser reads the winner's file.
  try {
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateLocalSecrets(dataDir);
    throw error;
  }
  return secrets;
}
