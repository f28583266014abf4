import { spawn } from "node:child_process";
import path from "node:path";
import { loadConfig } from "../../app/config.server";
import type { AppContext } from "../../app/services/context.server";
import { createLogger } from "../../app/services/logger.server";
import type { Db } from "../../db/client";

/** The secrets a bench's own context and its production server share (a bench database only). */
export const BENCH_SECRETS = {
  SESSION_SECRET: "bench-session-secret-that-is-long-enough-0123456789",
  CREDENTIALS_KEY: Buffer.alloc(32, 9).toString("base64"),
};

/**
 * The web server as production runs it: its own process (`npm run start:web`), NODE_ENV=production,
 * on the bench's database, on a free loopback port. Nothing else shares its event loop or its heap.
 * `nodeArgs` go to node (e.g. --cpu-prof to see where the time goes).
 */
export async function startProductionServer(
  databaseUrl: string,
  extraEnv: Record<string, string> = {}
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    // BENCH_SERVER_FLAGS: extra Node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
    [...(process.env.BENCH_SERVER_FLAGS ?? "").split(" ").filter(Boolean), "--import", "tsx", path.resolve("app/cli/start.ts"), "--only=web"],
    {
      env: {
        ...process.env,
        ...BENCH_SECRETS,
        DATABASE_URL: databaseUrl,
        NODE_ENV: "production",
        CADENCE_DEMO: "false",
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "error",
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "inherit"],
    }
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const found = /Cadence is running at (\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    child.once("exit", (code) =>
      reject(
        new Error(`the web server exited (${code}) before it listened:\n${out}`)
      )
    );
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A context for the bench's own calls, with the production server's secrets (so its session cookies are valid there). */
export function benchContext(
  db: Db,
  options: { now?: () => Date } = {}
): AppContext {
  const config = loadConfig({
    NODE_ENV: "production",
    DATABASE_URL: "postgres://unused/unused",
    CADENCE_DEMO: "false",
    ...BENCH_SECRETS,
  });
  return {
    db,
    config,
    log: createLogger({ level: "error", write: () => {} }),
    now: options.now ?? (() => new Date()),
  };
}
