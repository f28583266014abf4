import { createDb, type Db } from "../client";
import { openDatabaseTarget } from "../connection";

/**
 * Runs a command-line script against the database: DATABASE_URL, the running app's embedded
 * database, or the embedded database started for this run only and stopped afterwards.
 */
export async function withDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const target = await openDatabaseTarget({ mode: "cli", log: (line) => process.stderr.write(`${line}\n`) });
  const db = createDb(target.url, { max: 2, applicationName: "cadence-cli" });
  try {
    return await work(db);
  } finally {
    await db.destroy();
    await target.release();
  }
}

/** Prints the error's message (never a stack trace) and exits non-zero. */
export function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
