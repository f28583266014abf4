// npm run bench [-- name…]: runs every benchmark (or those named) one after the other.
import * as analytics from "./analytics.bench";
import * as analyticsReport from "./analytics-report.bench";
import * as backup from "./backup.bench";
import * as calendar from "./calendar.bench";
import * as inbox from "./inbox.bench";
import * as media from "./media.bench";
import * as publishing from "./publishing.bench";
import * as questions from "./questions.bench";
import * as timeRules from "./time-rules.bench";

const benchmarks: Record<string, { run: () => Promise<void> }> = {
  "time-rules": timeRules,
  questions,
  calendar,
  publishing,
  inbox,
  media,
  analytics,
  "analytics-report": analyticsReport,
  backup,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(", ")}; known: ${Object.keys(benchmarks).join(", ")}\n`);
  process.exit(64);
}
for (const [name, bench] of Object.entries(benchmarks)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`# ${name}\n`);
  await bench.run();
}
