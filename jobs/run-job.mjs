// Bree runs workers as plain JavaScript: this bootstrap registers tsx in the worker thread,
// then imports the TypeScript job named in workerData.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const job = String(workerData?.job ?? "");
if (!/^[a-z0-9-]+$/.test(job)) throw new Error(`invalid job name: ${job}`);
await import(new URL(`./${job}.ts`, import.meta.url).href);
