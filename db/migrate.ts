import { Migrator, NO_MIGRATIONS, type Kysely, type MigrationResultSet } from "kysely";
import { createDb } from "./client";
import { migrationProvider } from "./migrations/index";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function migratorFor(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: migrationProvider, migrationTableName: "schema_migrations", migrationLockTableName: "schema_migrations_lock" });
}

function unwrap(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    const message = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${message}`, { cause: result.error });
  }
  return (result.results ?? []).map((r) => `${r.direction === "Up" ? "applied" : "reverted"} ${r.migrationName}`);
}

/** Applies every pending migration, in a transaction each, holding kysely's migration lock. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return unwrap(await migratorFor(db).migrateToLatest());
}

/** Reverts every migration: used by the migration tests and by `db:migrate -- --down-all`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateAllTheWayDown(db: Kysely<any>): Promise<string[]> {
  return unwrap(await migratorFor(db).migrateTo(NO_MIGRATIONS));
}

/** Reverts the latest migration. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateDownOne(db: Kysely<any>): Promise<string[]> {
  return unwrap(await migratorFor(db).migrateDown());
}

/**
 * Brings the database at `url` to migration `name` (up or down), to the latest with null, or to no
 * migration at all with "": what a restore needs before and after loading a backup.
 */
export async function migrateToVersion(url: string, name: string | null): Promise<string[]> {
  const db = createDb(url, { max: 1, applicationName: "cadence-migrate" });
  try {
    const migrator = migratorFor(db);
    return unwrap(name === null ? await migrator.migrateToLatest() : name === "" ? await migrator.migrateTo(NO_MIGRATIONS) : await migrator.migrateTo(name));
  } finally {
    await db.destroy();
  }
}
