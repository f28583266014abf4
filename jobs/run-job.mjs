// Bree runs workers as plain JavaScript. A job compiled ahead (jobs/bundles.ts: `bundle` in
// workerData) is imported as it is; otherwise this bootstrap registers tsx in the worker thread,
// then imports the TypeScript job named in workerData.
import { workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";

const job = String(workerData?.job ?? "");
if (!/^[a-z0-9-]+$/.test(job)) throw new Error(`invalid job name: ${job}`);
const bundle = typeof workerData?.bundle === "string" ? workerData.bundle : null;
if (bundle) {
  // Errors point at the TypeScript sources through the bundle's source map.
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL(`./${job}.ts`, import.meta.url).href);
}
