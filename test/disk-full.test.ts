import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../app/services/context.server";
import { diskState, type DiskState } from "../app/services/disk.server";
import { createLogger } from "../app/services/logger.server";
import { runPublisher } from "../app/services/publishing.server";
import type { Channel, User } from "../db/schema";
import { makePasswordUser, makeUser, TEST_PASSWORD } from "./factories";
import { makeApiChannel, makeDueNow, makeScheduledItems, publicationStates } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { signedInClient, startTestServer } from "./setup/web";

/**
 * A disk nearly full while Cadence runs: publishing pauses before PostgreSQL runs out of room
 * (nothing claimed, nothing half-recorded), says so in the log, on /healthz, /metrics and every
 * page, and resumes by itself once there is room; what fell due meanwhile then goes out once.
 */
let t: TestDatabase;
let ctx: AppContext;
let editor: User;
let approver: User;
let fr: Channel;
let nl: Channel;

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  editor = await makeUser(t.db, ["editor"]);
  approver = await makeUser(t.db, ["approver"]);
  fr = await makeApiChannel(ctx, "outbox", "fr", null, {});
  nl = await makeApiChannel(ctx, "outbox", "nl", null, {});
});
afterAll(async () => {
  await t?.drop();
});

const waitFor = async (check: () => Promise<boolean>, timeoutMs = 10_000) => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
};

describe("a disk nearly full", () => {
  it("pauses publishing (nothing claimed), says so once, and resumes by itself: what fell due goes out once", async () => {
    const lines: string[] = [];
    const logged = { ...ctx, log: createLogger({ level: "info", write: (line) => lines.push(line) }) };
    const ids = await makeScheduledItems(t.db, editor, approver, [fr, nl], { count: 3, localDate: "2031-03-03" });
    await makeDueNow(t.db, ids);
    let low = true;
    const disk = (): DiskState => ({ freeBytes: low ? 50 * 1048576 : 10 * 1024 * 1048576, minFreeBytes: 200 * 1048576, low });
    const controller = new AbortController();
    const run = runPublisher(logged, { signal: controller.signal, maxSleepMs: 50, diskCheck: disk });
    try {
      // The publisher has looked at the disk (and said so) and claimed nothing.
      expect(await waitFor(() => Promise.resolve(lines.some((l) => l.includes("publishing paused"))))).toBe(true);
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await publicationStates(t.db, ids)).map((p) => p.state)).toEqual(Array(6).fill("scheduled"));
      expect(lines.filter((l) => l.includes("publishing paused"))).toHaveLength(1);
      expect(lines.find((l) => l.includes("publishing paused"))).toContain('"freeMb":50');
      low = false;
      expect(await waitFor(async () => (await publicationStates(t.db, ids)).every((p) => p.state === "published"))).toBe(true);
      expect(lines.some((l) => l.includes("publishing resumed"))).toBe(true);
    } finally {
      controller.abort();
      await run;
    }
    const messages = await t.db.selectFrom("outbox_messages").select("publication_id").where("publication_id", "in", (await publicationStates(t.db, ids)).map((p) => p.id)).execute();
    expect(messages).toHaveLength(6);
  });

  it("/healthz is degraded with reason disk, /metrics says so, and every page shows the banner in the reader's language", async () => {
    const tight = { ...ctx, config: { ...ctx.config, diskMinFreeBytes: Number.MAX_SAFE_INTEGER } };
    expect(diskState(tight).low).toBe(true);
    expect(diskState(ctx).low).toBe(false);
    await makePasswordUser(ctx, { email: "disk-reader@test.be", roles: ["editor"], uiLanguage: "fr" });
    const server = await startTestServer(tight);
    try {
      const health = (await (await fetch(`${server.url.replace("localhost", "127.0.0.1")}/healthz`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: "degraded", reason: "disk", disk: "low", database: "ok" });
      expect(health.diskFreeMb).toEqual(expect.any(Number));
      const metrics = await (await fetch(`${server.url.replace("localhost", "127.0.0.1")}/metrics`)).text();
      expect(metrics).toContain("cadence_data_disk_low 1");
      expect(metrics).toMatch(/cadence_data_disk_free_bytes \d+/);
      const reader = await signedInClient(server.url.replace("localhost", "127.0.0.1"), "disk-reader@test.be", TEST_PASSWORD, { "accept-language": "fr" });
      const page = await reader.request("/publishing");
      expect(page.text).toContain('data-testid="disk-banner"');
      expect(page.text).toContain("Le disque du serveur est presque plein");
    } finally {
      await server.close();
    }
    const roomy = await startTestServer(ctx);
    try {
      const health = (await (await fetch(`${roomy.url.replace("localhost", "127.0.0.1")}/healthz`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ disk: "ok" });
      const reader = await signedInClient(roomy.url.replace("localhost", "127.0.0.1"), "disk-reader@test.be", TEST_PASSWORD);
      expect((await reader.request("/publishing")).text).not.toContain('data-testid="disk-banner"');
    } finally {
      await roomy.close();
    }
  });
});
