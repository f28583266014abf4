import { parseArgs } from "node:util";
import { BackupError, restoreDatabase } from "../backup";
import { openDatabaseTarget } from "../connection";
import { fail } from "./with-database";

// npm run db:restore -- FILE [--force]
// Restores a backup made by `npm run db:backup` into an empty database (embedded, or
// DATABASE_URL's): checks every table's checksum, then applies the migrations newer than the
// backup. A database holding data is refused unless --force (which empties it first).
const usage = "usage: npm run db:restore -- FILE [--force]";
let args;
try {
  args = parseArgs({ options: { force: { type: "boolean", default: false } }, allowPositionals: true });
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${usage}`, 64);
}
const file = args.positionals[0];
if (!file) fail(usage, 64);
const reasons: Record<BackupError["reason"], string> = {
  not_a_backup: "this file is not a Cadence backup",
  unknown_migration: "the backup comes from a newer Cadence than this one: upgrade Cadence first",
  not_empty: "the database already holds data: restore into an empty database, or add --force to replace everything in it",
  checksum: "the file is damaged (a checksum does not match): nothing was restored",
  truncated: "the file is incomplete: nothing was restored",
};
const target = await openDatabaseTarget({ mode: "cli", log: (line) => process.stderr.write(`${line}\n`) });
try {
  const r = await restoreDatabase(target.url, file, { force: args.values.force });
  process.stdout.write(`restored ${r.tables} tables, ${r.rows} rows (backup at ${r.migration}); migrations applied after: ${r.applied.length}\n`);
} catch (error) {
  if (error instanceof BackupError) fail(`restore refused: ${reasons[error.reason]}${error.reason === "not_empty" || error.reason === "checksum" ? ` (${error.message.split(": ")[1] ?? ""})` : ""}`, 65);
  fail(`restore failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await target.release();
}
