import fs from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.server";
import { exportArchive, writeArchiveFiles } from "../services/archive.server";
import { createLogger } from "../services/logger.server";
import { migrateToLatest } from "../../db/migrate";
import { fail, withDatabase } from "../../db/cli/with-database";

// npm run archive:export -- 2026-12 [--format json|csv] [--semicolon] [--out FILE] [--files DIR]
// The same archive as /archive/2026-12: what was published that Brussels month, for the State
// Archives. Written to FILE or to standard output; recorded in the audit trail. With --files, each
// published image or video is written into DIR as the archive names it (<sha256>.<ext>).
const usage = "usage: npm run archive:export -- YYYY-MM [--format json|csv] [--semicolon] [--out FILE] [--files DIR]";
let parsed;
try {
  parsed = parseArgs({ options: { format: { type: "string", default: "json" }, semicolon: { type: "boolean", default: false }, out: { type: "string" }, files: { type: "string" } }, allowPositionals: true });
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
  const exported = await exportArchive(ctx, actor, month, format, parsed.values.semicolon ? ";" : ",");
  if (exported && parsed.values.files) {
    const files = await writeArchiveFiles(ctx, exported.archive, parsed.values.files);
    process.stderr.write(`Wrote ${files.written} media files to ${parsed.values.files}.\n`);
    if (files.missing.length > 0) process.stderr.write(`Missing from the media library: ${files.missing.join(", ")}\n`);
  }
  return exported;
});
if (!file) fail(`${month} is not a month (YYYY-MM).\n${usage}`, 65);
if (parsed.values.out) {
  fs.writeFileSync(parsed.values.out, file.body);
  process.stderr.write(`Wrote ${file.archive.publicationCount} publications of ${file.archive.items.length} posts (${month}) to ${parsed.values.out}.\n`);
} else {
  process.stdout.write(file.body);
}
