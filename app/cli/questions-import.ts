import fs from "node:fs";
import { loadConfig } from "../config.server";
import { translator } from "../i18n";
import { createLogger } from "../services/logger.server";
import { importQuestionsAs, questionFileFormat } from "../services/questions.server";
import { migrateToLatest } from "../../db/migrate";
import { fail, withDatabase } from "../../db/cli/with-database";

// npm run questions:import -- questions.json   (or questions.csv)
// The same import as the questions page: the whole file is checked first; any bad row rejects it,
// every error is listed by row and field, and nothing is written.
const usage = "usage: npm run questions:import -- FILE.json|FILE.csv";
const file = process.argv[2];
if (!file || process.argv.length > 3) fail(usage, 64);
let content: string;
try {
  content = fs.readFileSync(file, "utf8");
} catch (error) {
  fail(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, 66);
}
let config;
try {
  config = loadConfig();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 78);
}
const format = questionFileFormat(file, content);
const t = translator("en");
const result = await withDatabase(async (db) => {
  await migrateToLatest(db);
  return await importQuestionsAs({ db, config, log: createLogger({ level: "warn" }), now: () => new Date() }, { id: null, label: "command line (questions:import)" }, { format, content });
});
if (!result.ok) {
  fail(
    [`Nothing was imported from ${file}:`, ...result.errors.map((e) => `  ${e.row > 0 ? `row ${e.row}` : "file"}${e.field ? `, ${e.field}` : ""}: ${t(e.key, e.params)}`)].join("\n"),
    65,
  );
}
process.stdout.write(`Imported ${file}: ${result.created} questions added, ${result.updated} updated.\n`);
