import fs from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../../app/config.server";
import { exportArchive } from "../../app/services/archive.server";
import { createLogger } from "../../app/services/logger.server";
import { migrateToLatest } from "../migrate";
import { fail, withDatabase } from "./with-database";

// npm run archive:export -- 2026-12 [--format json|csv] [--semicolon] [--out FILE]
// The same archive as /archive/2026-12: what was published that Brussels month, for the State
// Archives. Written to FILE or to standard output; recorded in the audit trail.
const usage = "usage: npm run archive:export -- YYYY-MM [--format json|csv] [--semicolon] [--out FILE]";
let parsed;
try {
  parsed = parseArgs({ options: { format: { type: "string", default: "json" }, semicolon: { type: "boolean", default: false }, out: { type: "string" } }, allowPositionals: true });
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${usage}`, 64);
}
const [month] = parsed.positionals;
const format = parsed.values.format;
if (!month || parsed.positionals.length > 1 || (format !== "json" && format !== "csv")) fail(usage, 64);
let config;
try {
  config = loadConfig();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 78);
}
const actor = { id: null, label: "command line (archive:export)" };
const file = await withDatabase(async (db) => {
  await migrateToLatest(db);
  const ctx = { db, config, log: createLogger({ level: "warn" }), now: () => new Date() };
  return await exportArchive(ctx, actor, month, format, parsed.values.semicolon ? ";" : ",");
});
if (!file) fail(`${month} is not a month (YYYY-MM).\n${usage}`, 65);
if (parsed.values.out) {
  fs.writeFileSync(parsed.values.out, file.body);
  process.stderr.write(`Wrote ${file.archive.publicationCount} publications of ${file.archive.items.length} posts (${month}) to ${parsed.values.out}.\n`);
} else {
  process.stdout.write(file.body);
}
