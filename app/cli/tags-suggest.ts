import { parseArgs } from "node:util";
import { loadConfig } from "../config.server";
import { translator } from "../i18n";
import { createLogger } from "../services/logger.server";
import { suggestTags } from "../services/questions.server";
import { migrateToLatest } from "../../db/migrate";
import { fail, withDatabase } from "../../db/cli/with-database";

// npm run tags:suggest -- --lang nl "Uw belastingaangifte online"
// Prints the same JSON as POST /api/v1/tags/suggest: the three best questions, their scores and
// matched words, and whether the best one is confident.
const usage = 'usage: npm run tags:suggest -- --lang fr|nl "text"';
let parsed;
try {
  parsed = parseArgs({ options: { lang: { type: "string" } }, allowPositionals: true });
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${usage}`, 64);
}
const text = parsed.positionals.join(" ");
if (!parsed.values.lang || text.trim() === "") fail(usage, 64);
let config;
try {
  config = loadConfig();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 78);
}
const t = translator("en");
const result = await withDatabase(async (db) => {
  await migrateToLatest(db);
  return await suggestTags({ db, config, log: createLogger({ level: "warn" }), now: () => new Date() }, { text, lang: parsed.values.lang });
});
if (!result.ok) fail(Object.entries(result.errors).map(([field, e]) => `${field}: ${e ? t(e.key, e.params) : ""}`).join("\n"), 65);
const { lang, confident, suggestions } = result.result;
process.stdout.write(`${JSON.stringify({ lang, confident, suggestions }, null, 2)}\n`);
