// npm run bench [-- name…]: runs every benchmark (or those named) one after the other.
const benchmarks: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  "time-rules": () => import("./time-rules.bench"),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(", ")}; known: ${Object.keys(benchmarks).join(", ")}\n`);
  process.exit(64);
}
for (const [name, load] of Object.entries(benchmarks)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`# ${name}\n`);
  await (await load()).run();
}
