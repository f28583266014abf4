import { loadConfig } from "../config.server";
import { createLogger } from "../services/logger.server";
import { evaluateTeamTagging, retrainIfChanged } from "../services/tag-learning.server";
import { migrateToLatest } from "../../db/migrate";
import { fail, withDatabase } from "../../db/cli/with-database";

// npm run tags:evaluate [-- --folds 5]
// k-fold cross-validation of tag suggestions on the team's own tagged pairs (never scoring a text
// with a model that saw it), then retrains the model in use if the tags changed. Prints the figures
// the questions page shows, one per line.
const foldsArg = process.argv.indexOf("--folds");
const folds = foldsArg >= 0 ? Number(process.argv[foldsArg + 1]) : 5;
if (!Number.isInteger(folds) || folds < 2 || folds > 20) fail("usage: npm run tags:evaluate [-- --folds 2..20]", 64);
let config;
try {
  config = loadConfig();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 78);
}
await withDatabase(async (db) => {
  await migrateToLatest(db);
  const ctx = { db, config, log: createLogger({ level: "warn" }), now: () => new Date() };
  const e = await evaluateTeamTagging(ctx, folds);
  if (!e) {
    process.stdout.write(`Too few tagged items to evaluate (at least ${folds * 2} needed).\n`);
    return;
  }
  const pct = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(1)} %`);
  process.stdout.write(
    [
      `${e.pairs} tagged items (${e.texts} texts), ${e.folds}-fold cross-validation`,
      `top-1 recall: ${pct(e.top1)}`,
      `top-3 recall: ${pct(e.top3)}`,
      `  texts the keywords find (${e.keywordTexts}): ${pct(e.keywordTop3)}`,
      `  paraphrases, found only by what the team wrote (${e.paraphraseTexts}): ${pct(e.paraphraseTop3)}`,
      `confident suggestions: ${e.confidentCount}, precision ${pct(e.confidentPrecision)}`,
      `threshold holding 95 % precision on held-out texts: ${e.threshold95 ?? "none"}`,
      "",
    ].join("\n"),
  );
  const r = await retrainIfChanged(ctx);
  const confidence = r.confidentScore === undefined ? "" : r.confidentScore === null ? "; no threshold held 95 % precision: nothing is marked confident" : `; confident from a score of ${r.confidentScore} (95 % precision held on held-out texts)`;
  process.stdout.write(r.trained ? `model ${r.version} trained on ${r.examples} texts in ${r.ms} ms${confidence}\n` : `model ${r.version} is up to date\n`);
});
