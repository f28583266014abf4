import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../app/config.server";
import type { AppContext } from "../app/services/context.server";
import { addHistogramIncrements } from "../db/repositories/metric-totals";
import { HistogramTally } from "../app/domain/histogram";
import { makeUser } from "./factories";
import { makeApiChannel, makeDueNow, makeScheduledItems, publishUntilSettled } from "./publishing-factories";
import { createTestDatabase, processEnv, testContext, type TestDatabase } from "./setup/database";
import { startTestServer } from "./setup/web";

/**
 * GET /metrics: with METRICS_TOKEN (validated at start), only its bearer; without, only this
 * machine. What it says: the all-time publish lag and job durations (totals that never fall),
 * request durations per route, the database pool, the process.
 */
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

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, line: string): number | undefined {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe("what the metrics say", () => {
  it("the publish lag is an all-time histogram: it counts every call once and never falls when old publications go", async () => {
    const editor = await makeUser(t.db, ["editor"]);
    const approver = await makeUser(t.db, ["approver"]);
    const outbox = await makeApiChannel(ctx, "outbox", "bilingual", null, {});
    const server = await startTestServer(ctx);
    const scrape = async () => await (await fetch(`${server.url.replace("localhost", "127.0.0.1")}/metrics`)).text();
    try {
      const first = await makeScheduledItems(t.db, editor, approver, [outbox], { count: 12, localDate: "2030-03-04" });
      await makeDueNow(t.db, first, 200);
      await publishUntilSettled(ctx, first);
      let text = await scrape();
      expect(text).toContain("# TYPE cadence_publish_lag_seconds histogram");
      expect(sample(text, 'cadence_publish_lag_seconds_count{network="outbox"}')).toBe(12);
      expect(sample(text, 'cadence_publish_lag_seconds_bucket{network="outbox",le="+Inf"}')).toBe(12);
      const under30 = sample(text, 'cadence_publish_lag_seconds_bucket{network="outbox",le="30"}')!;
      expect(under30).toBe(12);
      // Yesterday's publications leave the table's recent window (here: they are deleted): the totals stay.
      await t.db.deleteFrom("outbox_messages").execute();
      await t.db.deleteFrom("publications").where("content_item_id", "in", first).execute();
      text = await scrape();
      expect(sample(text, 'cadence_publish_lag_seconds_count{network="outbox"}')).toBe(12);
      const second = await makeScheduledItems(t.db, editor, approver, [outbox], { count: 5, localDate: "2030-03-05" });
      await makeDueNow(t.db, second, 200);
      await publishUntilSettled(ctx, second);
      text = await scrape();
      expect(sample(text, 'cadence_publish_lag_seconds_count{network="outbox"}')).toBe(17);
      expect(sample(text, 'cadence_publish_lag_seconds_sum{network="outbox"}')).toBeGreaterThanOrEqual(0);
      expect(text).toMatch(/^cadence_publications\{network="outbox",state="published"\} 5$/m);
    } finally {
      await server.close();
    }
  });

  it("two processes adding to the same totals at once lose nothing", async () => {
    const add = async (n: number) => {
      const tally = new HistogramTally();
      for (let i = 0; i < n; i++) tally.observe("cadence_job_duration_seconds", { job: "race", outcome: "ok" }, 0.07);
      await addHistogramIncrements(t.db, tally.take());
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => add(i + 1)));
    const row = await t.db.selectFrom("metric_totals").selectAll().where("labels", "=", 'job="race",outcome="ok"').executeTakeFirstOrThrow();
    expect(Number(row.count)).toBe(210);
  });

  it("a job's run is counted by job and outcome; requests by route (never by address); the pool and the process are there", async () => {
    const env = processEnv(t.url, { LOG_LEVEL: "error" });
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", path.resolve("jobs/purge-expired-sessions.ts")], { env, stdio: "ignore" });
      child.on("exit", resolve);
    });
    expect(code).toBe(0);
    const server = await startTestServer(ctx);
    const base = server.url.replace("localhost", "127.0.0.1");
    try {
      await fetch(`${base}/login`);
      await fetch(`${base}/login?redirectTo=%2Fcalendar`);
      await fetch(`${base}/healthz`);
      await fetch(`${base}/l/no-such-code`);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(sample(text, 'cadence_job_duration_seconds_count{job="purge-expired-sessions",outcome="ok"}')).toBe(1);
      expect(sample(text, 'cadence_http_request_duration_seconds_count{method="GET",route="routes/login",status="2xx"}')).toBe(2);
      expect(sample(text, 'cadence_http_request_duration_seconds_count{method="GET",route="/healthz",status="2xx"}')).toBe(1);
      expect(sample(text, 'cadence_http_request_duration_seconds_count{method="GET",route="/l/:code",status="4xx"}')).toBe(1);
      expect(text).not.toMatch(/route="[^"]*(redirectTo|no-such-code)/);
      expect(sample(text, 'cadence_db_pool_connections{state="max"}')).toBe(5);
      expect(sample(text, 'cadence_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    } finally {
      await server.close();
    }
  });
});
