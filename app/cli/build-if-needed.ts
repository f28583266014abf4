import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../db/local-data";
import { sourcesChangedSince } from "../../jobs/bundles";
import { BUILD_PATH } from "../server/web.server";

/** True when the Remix build is missing or older than any source it is built from. */
export function buildIsStale(): boolean {
  if (!fs.existsSync(BUILD_PATH)) return true;
  return sourcesChangedSince(fs.statSync(BUILD_PATH).mtimeMs, ["app", "remix.config.js", "package-lock.json"]);
}

const REMIX_CLI = path.join(PROJECT_ROOT, "node_modules", "@remix-run", "dev", "dist", "cli.js");

/** `remix watch`: rebuilds on every change, for `npm run dev`. */
export function startRemixWatch(): ChildProcess {
  return spawn(process.execPath, [REMIX_CLI, "watch"], { cwd: PROJECT_ROOT, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NODE_ENV: "development" } });
}

export async function runRemixBuild(): Promise<void> {
  const bin = REMIX_CLI;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "build"], { cwd: PROJECT_ROOT, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`remix build failed (exit ${code})`))));
  });
}
