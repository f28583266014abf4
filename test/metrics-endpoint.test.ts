import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../app/config.server";
import type { AppContext } from "../app/services/context.server";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { startTestServer } from "./setup/web";

/** GET /metrics: with METRICS_TOKEN (validated at start), only its bearer; without, only this machine. */
let t: TestDatabase;
let ctx: AppContext;
beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
});
afterAll(async () => {
  await t?.drop();
});

describe("the metrics endpoint", () => {
  it("answers the configured bearer only, compared whole; without a token, the machine itself", async () => {
    const token = "metrics-token-0123456789";
    const guarded = await startTestServer({ ...ctx, config: { ...ctx.config, metricsToken: token } });
    try {
      const url = `${guarded.url.replace("localhost", "127.0.0.1")}/metrics`;
      expect((await fetch(url)).status).toBe(403);
      expect((await fetch(url, { headers: { authorization: `Bearer ${token.slice(0, -1)}` } })).status).toBe(403);
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(403);
      const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain("cadence_scheduler_up");
    } finally {
      await guarded.close();
    }
    const open = await startTestServer(ctx);
    try {
      expect((await fetch(`${open.url.replace("localhost", "127.0.0.1")}/metrics`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it("refuses a METRICS_TOKEN too short to be a secret when it starts", () => {
    const env = { NODE_ENV: "test", DATABASE_URL: "postgres://u:p@h/d", SESSION_SECRET: "s".repeat(40), CREDENTIALS_KEY: Buffer.alloc(32, 1).toString("base64") };
    expect(() => loadConfig({ ...env, METRICS_TOKEN: "short" })).toThrow(ConfigError);
    expect(loadConfig({ ...env, METRICS_TOKEN: "a-long-enough-token" }).metricsToken).toBe("a-long-enough-token");
  });
});
