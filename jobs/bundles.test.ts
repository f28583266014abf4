import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../db/local-data";
import { createTestDatabase, processEnv, type TestDatabase } from "../test/setup/database";
import { buildJobs, bundledJobs, jobsBuildIsStale } from "./bundles";

let dir: string;
let t: TestDatabase;

beforeAll(async () => {
  // Inside the project, as build/jobs is: a bundle finds its packages in the project's node_modules.
  fs.mkdirSync(path.join(PROJECT_ROOT, "build"), { recursive: true });
  dir = path.join(fs.mkdtempSync(path.join(PROJECT_ROOT, "build", ".test-jobs-")), "jobs");
  t = await createTestDatabase();
});
afterAll(async () => {
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  await t?.drop();
});

function runs(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("jobs compiled ahead", () => {
  it("are built into one file each, used only while no source is newer, and run in plain Node against the database", async () => {
    expect(jobsBuildIsStale(["purge-expired-sessions"], dir)).toBe(true);
    expect(bundledJobs(["purge-expired-sessions"], dir).size).toBe(0);

    await buildJobs(["purge-expired-sessions", "remind"], dir);
    expect(jobsBuildIsStale(["purge-expired-sessions", "remind"], dir)).toBe(false);
    // A job the build does not hold runs through tsx.
    expect(jobsBuildIsStale(["purge-expired-sessions", "publish"], dir)).toBe(true);
    const bundles = bundledJobs(["purge-expired-sessions", "publish"], dir);
    expect([...bundles.keys()]).toEqual(["purge-expired-sessions"]);
    const file = bundles.get("purge-expired-sessions")!;
    // Its own code is inside; its packages stay imports of node_modules.
    const code = fs.readFileSync(file, "utf8");
    expect(code).toMatch(/from "kysely"/);
    expect(code).not.toMatch(/\.ts["']/);

    // The compiled job does its work with plain Node: an expired session goes.
    const user = await t.db.insertInto("users").values({ email: "bundle@test.be", display_name: "B", password_hash: "x" }).returning("id").executeTakeFirstOrThrow();
    await t.db.insertInto("sessions").values({ id_hash: "expired-session", user_id: user.id, expires_at: new Date(Date.now() - 60_000) }).execute();
    const env = processEnv(t.url, { LOG_LEVEL: "error" });
    const result = await runs(file, env);
    expect(result).toEqual({ code: 0, stderr: "" });
    expect(await t.db.selectFrom("sessions").select("id_hash").where("id_hash", "=", "expired-session").executeTakeFirst()).toBeUndefined();

    // As the scheduler runs it: the bootstrap imports the bundle in a worker thread, without tsx.
    const worker = new Worker(path.resolve("jobs/run-job.mjs"), { workerData: { job: "purge-expired-sessions", bundle: file }, env });
    const exit = await new Promise<number>((resolve, reject) => {
      worker.on("error", reject);
      worker.on("exit", resolve);
    });
    expect(exit).toBe(0);

    // A source newer than the build makes it stale: the scheduler goes back to tsx.
    const stamp = path.join(dir, "built.json");
    const past = new Date(Date.now() - 365 * 86_400_000);
    fs.utimesSync(stamp, past, past);
    expect(jobsBuildIsStale(["purge-expired-sessions"], dir)).toBe(true);
    expect(bundledJobs(["purge-expired-sessions"], dir).size).toBe(0);

    // Rebuilding swaps the whole folder: nothing of the old build is left.
    await buildJobs(["remind"], dir);
    expect(fs.existsSync(path.join(dir, "purge-expired-sessions.mjs"))).toBe(false);
    expect(fs.readdirSync(path.dirname(dir)).filter((f) => f.startsWith(".jobs-") || f.includes(".old-"))).toEqual([]);
  });
});
