import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { backupDatabase, backupFileName, pruneBackups } from "../backup";
import { openDatabaseTarget } from "../connection";
import { dataDirectory } from "../local-data";
import { fail } from "./with-database";

// npm run db:backup [-- --out FILE] [--keep-daily 14] [--keep-weekly 8]
// A consistent snapshot of the whole database (embedded, or DATABASE_URL's) into one compressed,
// owner-only file under .data/backups/ (docs/operations.md); older backups beyond the retention
// are deleted. Works while the app runs.
let args;
try {
  args = parseArgs({ options: { out: { type: "string" }, "keep-daily": { type: "string", default: "14" }, "keep-weekly": { type: "string", default: "8" } } });
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\nusage: npm run db:backup [-- --out FILE] [--keep-daily N] [--keep-weekly N]`, 64);
}
// A lower CPU priority: on a small server the web and the publisher come first, the backup takes
// what is left (its snapshot holds no lock, so waiting costs nothing but time).
try {
  os.setPriority(10);
} catch {
  // Not allowed here (a container without the capability): the backup runs at normal priority.
}
const dir = path.join(dataDirectory(), "backups");
const file = args.values.out ? path.resolve(args.values.out) : backupFileName(dir, new Date());
fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
const target = await openDatabaseTarget({ mode: "cli", log: (line) => process.stderr.write(`${line}\n`) });
try {
  const started = Date.now();
  const result = await backupDatabase(target.url, file);
  const rows = result.tables.reduce((n, t) => n + t.rows, 0);
  process.stdout.write(`backup written: ${file} (${result.tables.length} tables, ${rows} rows, ${(result.bytes / 1_048_576).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s${result.pausedMs > 0 ? `, of which ${(result.pausedMs / 1000).toFixed(1)} s giving way to publishing` : ""})\n`);
  if (!args.values.out) pruneBackups(dir, { daily: Number(args.values["keep-daily"]), weekly: Number(args.values["keep-weekly"]) });
} catch (error) {
  fail(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await target.release();
}
