import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../db/local-data";
import { JOBS } from "./definitions";

/**
 * Each job compiled ahead into one JavaScript file (`build/jobs/<name>.mjs`, its packages left as
 * imports of node_modules), so that a worker starts in plain Node: loading a job through tsx costs
 * about 2.5 CPU-seconds a start, the bundle about 0.8 (decision 0030). Built by `npm run build`,
 * `npm start` and the tests' setup when a source is newer; the scheduler uses the bundles only when
 * they are at least as new as every source, and otherwise runs the TypeScript through tsx as before.
 */
export const JOBS_BUILD_DIR = path.join(PROJECT_ROOT, "build", "jobs");
/** What a job's code can come from. */
const SOURCES = ["app", "db", "jobs", "package-lock.json"];

/** The newest modification time under a file or folder. */
function newestMtime(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Whether a file or folder of the project (paths from its root; missing ones ignored) changed after `builtMs`: a build made then is stale. */
export function sourcesChangedSince(builtMs: number, sources: readonly string[]): boolean {
  return sources.map((p) => path.join(PROJECT_ROOT, p)).some((p) => fs.existsSync(p) && newestMtime(p) > builtMs);
}

/** The jobs the build holds, or null when it is missing or older than a source. */
function freshBuild(dir: string): string[] | null {
  const stampFile = path.join(dir, "built.json");
  if (!fs.existsSync(stampFile)) return null;
  if (sourcesChangedSince(fs.statSync(stampFile).mtimeMs, SOURCES)) return null;
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFile, "utf8")) as { jobs?: unknown };
    return Array.isArray(stamp.jobs) ? stamp.jobs.filter((j): j is string => typeof j === "string") : null;
  } catch {
    return null;
  }
}

export function jobsBuildIsStale(names: readonly string[], dir = JOBS_BUILD_DIR): boolean {
  const built = freshBuild(dir);
  return !built || names.some((n) => !built.includes(n));
}

/** Compiles every job (or the named ones) unless a fresh build already holds them: `npm start` and the tests' setup. */
export async function buildJobsIfStale(names: readonly string[] = JOBS.map((j) => j.name)): Promise<void> {
  if (jobsBuildIsStale(names)) await buildJobs(names);
}

/** The compiled file of each named job, when the build is fresh and holds it (else the job runs through tsx). */
export function bundledJobs(names: readonly string[], dir = JOBS_BUILD_DIR): Map<string, string> {
  const built = freshBuild(dir) ?? [];
  return new Map(names.filter((n) => built.includes(n)).map((n) => [n, path.join(dir, `${n}.mjs`)]));
}

/**
 * Compiles the named jobs with esbuild into a fresh folder, then swaps it in, so that a scheduler
 * starting meanwhile sees the old build or the new one, never half of one.
 */
export async function buildJobs(names: readonly string[], dir = JOBS_BUILD_DIR): Promise<void> {
  const { build } = await import("esbuild");
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, ".jobs-"));
  // The build stands for the sources as they were when it began: one edited meanwhile makes it stale.
  const began = new Date();
  try {
    await build({
      entryPoints: names.map((n) => path.join(PROJECT_ROOT, "jobs", `${n}.ts`)),
      outdir: staging,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "linked",
      logLevel: "warning",
    });
    const stamp = path.join(staging, "built.json");
    fs.writeFileSync(stamp, `${JSON.stringify({ jobs: names, builtAt: began.toISOString() })}\n`);
    fs.utimesSync(stamp, began, began);
    const old = `${dir}.old-${process.pid}`;
    if (fs.existsSync(dir)) fs.renameSync(dir, old);
    try {
      fs.renameSync(staging, dir);
    } catch (error) {
      // Another process put its build in place first: it was built from the same sources.
      if (!fs.existsSync(dir)) throw error;
    }
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
