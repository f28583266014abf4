import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  test: {
    include: ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "jobs/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**"],
    globalSetup: ["test/setup/global-setup.ts"],
    pool: "forks",
    // A worker runs its files one after another in one module graph instead of loading every module
    // again for each file: the suite's module loading fell from about 110 s to 20 s of CPU and its
    // wall time by a sixth (decision 0031). Tests therefore keep no state in modules between files:
    // each has its own database, servers and ports, restores the environment it changes, and the
    // application's module caches are keyed by database or configuration.
    isolate: false,
    // Most files wait on PostgreSQL, child processes and local servers rather than the CPU: three
    // at once on two cores cut the suite's wall time by a quarter (487 s → 371 s) with CI's 20 minutes in mind.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
