import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    globalSetup: ["test/setup/global-setup.ts"],
    pool: "forks",
    // As the suite (decision 0031): a worker's files share its module graph; each file has its own
    // browser, server and database.
    isolate: false,
    // Two files at a time, one browser each: on these two-core machines this cuts CI's browser step
    // from about 260 s to about 215 s (each file is slower, the two together faster).
    maxWorkers: 2,
    // A guard against a hang, not a speed check: an axe pass over several pages takes 20–30 s alone
    // and two to three times that when CI runs the suite beside the browsers.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
