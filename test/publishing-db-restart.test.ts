import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPublisher, recoverStuckPublications } from "../app/services/publishing.server";
import { createDb, type Db } from "../db/client";
import { EmbeddedPostgres, randomPassword } from "../db/embedded-postgres";
import { migrateToLatest } from "../db/migrate";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makeUser } from "./factories";
import { makeApiChannel, makeDueNow, makeScheduledItems, publicationStates } from "./publishing-factories";
import { testContext } from "./setup/database";

/**
 * PostgreSQL restarted in the middle of a burst: a database of its own (the shared test server
 * cannot be restarted under the other test files), on a fixed port the pool reconnects to.
 */
let dir: string;
let pgServer: EmbeddedPostgres;
let password: string;
let port: number;
let db: Db;
let fake: FakeNetworks;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-restart-"));
  fs.chmodSync(dir, 0o755);
  password = randomPassword();
  pgServer = await EmbeddedPostgres.start({ dataDir: path.join(dir, "pg"), password, database: "cadence" });
  port = pgServer.port;
  db = createDb(pgServer.url("cadence"), { max: 10 });
  await migrateToLatest(db);
  fake = await startFakeNetworks({ latencyMs: 20 });
}, 60_000);
afterAll(async () => {
  await db?.destroy();
  await pgServer?.stop();
  await fake?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a PostgreSQL restart during a burst", () => {
  it("the publisher reconnects and finishes; nothing is sent twice", async () => {
    const ctx = testContext(db);
    const editor = await makeUser(db, ["editor"]);
    const approver = await makeUser(db, ["approver"]);
    const outbox = await makeApiChannel(ctx, "outbox", "fr", null, {});
    const mastodon = await makeApiChannel(ctx, "mastodon", "nl", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
    const ids = await makeScheduledItems(db, editor, approver, [outbox, mastodon], { count: 100, localDate: "2030-05-01" });
    for (let group = 0; group < 10; group++) await makeDueNow(db, ids.slice(group * 10, group * 10 + 10), group * 300);

    const controller = new AbortController();
    const run = runPublisher(ctx, { signal: controller.signal, maxSleepMs: 100, retryBaseMs: 100 });
    // The outage comes in the middle of the burst: once the first groups have gone out.
    for (let i = 0; i < 300 && (await publicationStates(db, ids)).filter((s) => s.state === "published").length < 20; i++) await new Promise((r) => setTimeout(r, 20));
    await pgServer.stop();
    // A one-second outage (its length is the test's subject, not a wait for something to happen).
    await new Promise((r) => setTimeout(r, 1_000));
    pgServer = await EmbeddedPostgres.start({ dataDir: path.join(dir, "pg"), password, database: "cadence", port });

    // The publisher carries on by itself; a restarted scheduler's recovery settles what the outage interrupted.
    const until = Date.now() + 30_000;
    for (;;) {
      const states = await publicationStates(db, ids).catch(() => []);
      const waiting = states.filter((s) => s.state === "scheduled").length;
      if ((states.length > 0 && waiting === 0) || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await recoverStuckPublications(ctx, { leaseMs: 0 });
    for (let i = 0; i < 100; i++) {
      const states = await publicationStates(db, ids);
      if (states.every((s) => !["scheduled", "sending"].includes(s.state))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    controller.abort();
    await run;

    const states = await publicationStates(db, ids);
    expect(states).toHaveLength(200);
    expect(states.filter((s) => s.state !== "published")).toEqual([]);
    expect(fake.duplicates()).toEqual([]);
    const messages = await db.selectFrom("outbox_messages").select("publication_id").execute();
    expect(messages).toHaveLength(100);
  }, 90_000);
});
