import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../app/services/context.server";
import { channelsForAdmin, saveChannel, testChannelConnection } from "../app/services/channels.server";
import { moveItem } from "../app/services/content-items.server";
import { actOnPublication, holdPublishing, releaseHold } from "../app/services/publishing-admin.server";
import { adapterDeps, recoverStuckPublications, refreshExpiringTokens, runPublisher, runRecovery, type PublisherOptions } from "../app/services/publishing.server";
import { decryptCredentials } from "../app/services/credentials-crypto.server";
import { claimDuePublications, finishPublishedMany, markSent, markSentMany, setRemoteKey } from "../db/repositories/publication-claims";
import { insertOutboxMessages } from "../db/repositories/outbox";
import type { Channel, User } from "../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makeUser } from "./factories";
import { makeApiChannel, makeDueNow, makeScheduledItems, publicationStates } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";

let t: TestDatabase;
let ctx: AppContext;
let fake: FakeNetworks;
let editor: User;
let approver: User;
let outboxFr: Channel;
let outboxNl: Channel;

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  fake = await startFakeNetworks();
  editor = await makeUser(t.db, ["editor"]);
  approver = await makeUser(t.db, ["approver"]);
  outboxFr = await makeApiChannel(ctx, "outbox", "fr", null, {});
  outboxNl = await makeApiChannel(ctx, "outbox", "nl", null, {});
});
afterAll(async () => {
  await fake?.close();
  await t?.drop();
});
afterEach(async () => {
  // Each test's channels only: earlier tests' leftovers must not be claimed by later runs.
  await t.db.updateTable("publications").set({ state: "cancelled" }).where("state", "=", "scheduled").execute();
});

/**
 * Runs one publisher until `settled` holds, then for `rounds` more looks at the queue (to see what
 * it does, or does not, send): positive signals from the publisher, never a fixed sleep.
 */
async function publishUntil(settled: () => Promise<boolean>, options: { rounds?: number; on?: AppContext } = {}): Promise<void> {
  let rounds = 0;
  const controller = new AbortController();
  const run = runPublisher(options.on ?? ctx, { signal: controller.signal, maxSleepMs: 50, onRound: () => rounds++ });
  try {
    const until = Date.now() + 15_000;
    while (!(await settled()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const target = rounds + (options.rounds ?? 3);
    while (rounds < target && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  } finally {
    controller.abort();
    await run;
  }
}
const dueAt = async (ids: string[]) => Math.max(...(await publicationStates(t.db, ids)).map((s) => s.due_at.getTime()));

/** Runs one publisher until every publication of these items has settled (or the time runs out). */
async function publishUntilSettled(itemIds: string[], options: Partial<PublisherOptions> & { timeoutMs?: number } = {}) {
  const controller = new AbortController();
  const run = runPublisher(ctx, { signal: controller.signal, maxSleepMs: 50, retryBaseMs: 100, ...options });
  const until = Date.now() + (options.timeoutMs ?? 15_000);
  try {
    while (Date.now() < until) {
      const states = await publicationStates(t.db, itemIds);
      if (states.length > 0 && states.every((s) => !["scheduled", "sending"].includes(s.state))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    controller.abort();
    await run;
  }
  return await publicationStates(t.db, itemIds);
}

describe("the publisher", () => {
  it("sends each due publication to the outbox once, at its time, and records the lag", async () => {
    const ids = await makeScheduledItems(t.db, editor, approver, [outboxFr, outboxNl], { count: 20, localDate: "2030-01-15" });
    await makeDueNow(t.db, ids, 300);
    const states = await publishUntilSettled(ids);
    expect(states).toHaveLength(40);
    expect(states.every((s) => s.state === "published")).toBe(true);
    const messages = await t.db.selectFrom("outbox_messages").select(["publication_id", "payload"]).where("publication_id", "in", states.map((s) => s.id)).execute();
    expect(messages).toHaveLength(40);
    expect(new Set(messages.map((m) => m.publication_id)).size).toBe(40);
    // Never before its time, and soon after it.
    for (const s of states) {
      const lag = s.sent_at!.getTime() - s.due_at.getTime();
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(2_000);
    }
    const fr = messages.find((m) => (m.payload as { languages: string[] }).languages[0] === "fr")!.payload as { text: string };
    expect(fr.text).toMatch(/^Publication de test \d+ : votre déclaration en ligne\.$/);
    // The exact text each publication sent is kept for the archive.
    const sent = await t.db.selectFrom("publications").select(["id", "sent_text"]).where("id", "in", states.map((s) => s.id)).execute();
    for (const m of messages) expect(sent.find((p) => p.id === m.publication_id)!.sent_text).toBe((m.payload as { text: string }).text);
  });

  it("two publishers on the same burst never send a publication twice", async () => {
    const ids = await makeScheduledItems(t.db, editor, approver, [outboxFr, outboxNl], { count: 150, localDate: "2030-01-16" });
    await makeDueNow(t.db, ids);
    const second = new AbortController();
    const other = runPublisher(testContext(t.db), { signal: second.signal, workerId: "second", maxSleepMs: 50 });
    const states = await publishUntilSettled(ids, { workerId: "first" });
    second.abort();
    await other;
    expect(states.filter((s) => s.state === "published")).toHaveLength(300);
    const rows = await t.db.selectFrom("outbox_messages").select("publication_id").where("publication_id", "in", states.map((s) => s.id)).execute();
    expect(rows).toHaveLength(300);
    expect(states.every((s) => s.attempts === 1)).toBe(true);
  });

  it("the grouped writes touch only claims their worker still owns, and a delivered key answers as a duplicate", async () => {
    const ids = await makeScheduledItems(t.db, editor, approver, [outboxFr, outboxNl], { count: 1, localDate: "2030-01-17" });
    await makeDueNow(t.db, ids);
    const [mine, taken] = await claimDuePublications(t.db, "grouped", new Date(Date.now() + 1_000), 2);
    await t.db.updateTable("publications").set({ claimed_by: "recovery" }).where("id", "=", taken!.id).execute();
    const at = new Date();
    await markSentMany(t.db, [
      { id: mine!.id, workerId: "grouped", sentAt: at, remoteKey: "rk-1", text: "mine", link: null },
      { id: taken!.id, workerId: "grouped", sentAt: at, remoteKey: "rk-2", text: "taken", link: null },
    ]);
    expect(
      await finishPublishedMany(t.db, [
        { id: mine!.id, workerId: "grouped", remoteId: "1", remoteUrl: null, at },
        { id: taken!.id, workerId: "grouped", remoteId: "2", remoteUrl: null, at },
      ]),
    ).toEqual([true, false]);
    const rows = await t.db.selectFrom("publications").select(["id", "state", "sent_at", "remote_key"]).where("id", "in", [mine!.id, taken!.id]).execute();
    expect(rows.find((r) => r.id === mine!.id)).toMatchObject({ state: "published", remote_key: "rk-1", sent_at: at });
    expect(rows.find((r) => r.id === taken!.id)).toMatchObject({ state: "sending", remote_key: null, sent_at: null });

    const message = { publicationId: mine!.id, channelId: outboxFr.id, idempotencyKey: `grouped-${mine!.id}`, payload: { text: "x" } };
    const [first] = await insertOutboxMessages(t.db, [message]);
    const again = await insertOutboxMessages(t.db, [message, { ...message, idempotencyKey: `grouped-${taken!.id}`, publicationId: taken!.id }]);
    expect(again[0]).toEqual({ id: first!.id, duplicate: true });
    expect(again[1]!.duplicate).toBe(false);
    await t.db.updateTable("publications").set({ state: "cancelled" }).where("id", "=", taken!.id).execute();
  });

  it("re-checks the parity rule before sending: a half-approved item forced to scheduled sends nothing", async () => {
    const [id] = await makeScheduledItems(t.db, editor, approver, [outboxFr, outboxNl], { count: 1, localDate: "2030-01-17" });
    await t.db.updateTable("variants").set({ status: "submitted", approved_hash: null }).where("content_item_id", "=", id!).where("language", "=", "nl").execute();
    await makeDueNow(t.db, [id!]);
    const states = await publishUntilSettled([id!]);
    expect(states.map((s) => [s.state, s.last_error_code])).toEqual([
      ["failed", "not_publishable"],
      ["failed", "not_publishable"],
    ]);
    expect(await t.db.selectFrom("outbox_messages").select("id").where("publication_id", "in", states.map((s) => s.id)).execute()).toEqual([]);
  });

  it("does not send what is past its retry window", async () => {
    const [id] = await makeScheduledItems(t.db, editor, approver, [outboxFr, outboxNl], { count: 1, localDate: "2030-01-18" });
    await t.db
      .updateTable("publications")
      .set({ due_at: new Date(Date.now() - 3 * 3600_000), next_attempt_at: new Date(Date.now() - 3 * 3600_000), deadline_at: new Date(Date.now() - 3600_000) })
      .where("content_item_id", "=", id!)
      .execute();
    const states = await publishUntilSettled([id!]);
    expect(states.map((s) => [s.state, s.last_error_code])).toEqual([
      ["failed", "deadline_passed"],
      ["failed", "deadline_passed"],
    ]);
  });

  it("sends an item at 02:30 on the night the clocks go back (25 October 2026) once, at the first 02:30", async () => {
    const [id] = await makeScheduledItems(t.db, editor, approver, [outboxFr, outboxNl], { count: 1, localDate: "2026-10-25", localTime: "02:30" });
    const before = await publicationStates(t.db, [id!]);
    expect(before.map((s) => s.due_at.toISOString())).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-25T00:30:00.000Z"]);
    await makeDueNow(t.db, [id!]);
    const states = await publishUntilSettled([id!]);
    expect(states.map((s) => s.state)).toEqual(["published", "published"]);
    expect(await t.db.selectFrom("outbox_messages").select("id").where("publication_id", "in", states.map((s) => s.id)).execute()).toHaveLength(2);
  });
});

describe("the networks' answers", () => {
  it("a 429 with X-RateLimit-Reset: no call before the reset, then published once (Mastodon)", async () => {
    const mastodon = await makeApiChannel(ctx, "mastodon", "bilingual", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
    const [id] = await makeScheduledItems(t.db, editor, approver, [mastodon], { count: 1, localDate: "2030-02-01" });
    const reset = new Date(Date.now() + 1_500);
    fake.fail("mastodon", { status: 429, body: { error: "Too many requests" }, headers: { "x-ratelimit-reset": reset.toISOString() } });
    await makeDueNow(t.db, [id!]);
    const callsBefore = fake.calls.length;
    const states = await publishUntilSettled([id!]);
    const calls = fake.calls.slice(callsBefore).filter((c) => c.network === "mastodon");
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at).toBeGreaterThanOrEqual(reset.getTime());
    expect(states.map((s) => s.state)).toEqual(["published"]);
    expect(states[0]!.remote_url).toMatch(/^https:\/\/fake\.social\/@cadence\//);
  });

  it("a 5xx is retried with backoff and published once (X)", async () => {
    const x = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, { accessToken: "x-token" });
    const [id] = await makeScheduledItems(t.db, editor, approver, [x], { count: 1, localDate: "2030-02-02" });
    fake.fail("x", { status: 503, body: { title: "Service Unavailable", status: 503 } }, { status: 500, body: {} });
    await makeDueNow(t.db, [id!]);
    const states = await publishUntilSettled([id!]);
    expect(states.map((s) => [s.state, s.attempts])).toEqual([["published", 3]]);
    expect(fake.duplicates()).toEqual([]);
    // Every outcome is an audit event on the item, written with the outcome itself.
    const events = await t.db.selectFrom("audit_events").select(["action", "actor_label", "after"]).where("subject_id", "=", id!).where("action", "like", "publication.%").orderBy("id").execute();
    expect(events.map((e) => e.action)).toEqual(["publication.retry_scheduled", "publication.retry_scheduled", "publication.published"]);
    expect(events.every((e) => e.actor_label === "publisher")).toBe(true);
    expect(events[0]!.after).toMatchObject({ publication: states[0]!.id, channel: x.id, state: "scheduled", errorCode: "network.server" });
    expect(events[2]!.after).toMatchObject({ state: "published", remoteId: expect.any(String), remoteUrl: states[0]!.remote_url });
  });

  it("a 5xx after X accepted the post: the retry gets X's duplicate answer, read as published and looked up — one post", async () => {
    const x = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, { accessToken: "x-token" });
    const fb = await makeApiChannel(ctx, "facebook", "bilingual", `${fake.url}/facebook`, { pageId: "123", accessToken: "fb-token" });
    const [id] = await makeScheduledItems(t.db, editor, approver, [x, fb], { count: 1, localDate: "2030-02-07" });
    fake.fail("x", { status: 503, acceptThen: true, body: { title: "Service Unavailable", status: 503 } });
    fake.fail("facebook", { status: 500, acceptThen: true, body: { error: { message: "An unknown error occurred", code: 1 } } });
    await makeDueNow(t.db, [id!]);
    const postsBefore = fake.posts.length;
    const states = await publishUntilSettled([id!]);
    expect(states.map((s) => s.state)).toEqual(["published", "published"]);
    const received = fake.posts.slice(postsBefore);
    expect(received.map((p) => p.network).sort()).toEqual(["facebook", "x"]);
    const xState = states.find((s) => s.channel_id === x.id)!;
    expect(xState.remote_url).toBe(`https://x.com/${x.handle}/status/${received.find((p) => p.network === "x")!.id}`);
    const fbState = states.find((s) => s.channel_id === fb.id)!;
    expect(fbState.remote_url).toBe(`https://www.facebook.com/123_${received.find((p) => p.network === "facebook")!.id}`);
  });

  it("a 401 fails at once, marks the channel as needing reconnection, and holds its other publications", async () => {
    const mastodon = await makeApiChannel(ctx, "mastodon", "bilingual", `${fake.url}/mastodon`, { accessToken: "revoked" });
    const ids = await makeScheduledItems(t.db, editor, approver, [mastodon], { count: 2, localDate: "2030-02-03" });
    await makeDueNow(t.db, [ids[0]!]);
    await makeDueNow(t.db, [ids[1]!], 1_000);
    // Until the first has failed and the second has been due for a few looks at the queue.
    const secondDue = await dueAt([ids[1]!]);
    await publishUntil(async () => Date.now() > secondDue + 100 && (await publicationStates(t.db, [ids[0]!])).every((s) => s.state === "failed"));
    const [first, second] = [await publicationStates(t.db, [ids[0]!]), await publicationStates(t.db, [ids[1]!])];
    expect(first.map((s) => [s.state, s.last_error_code, s.last_error])).toEqual([["failed", "auth.invalid", "The access token is invalid"]]);
    expect(second.map((s) => s.state)).toEqual(["scheduled"]);
    const failed = await t.db.selectFrom("audit_events").select(["action", "after"]).where("subject_id", "=", ids[0]!).where("action", "like", "publication.%").execute();
    expect(failed).toEqual([{ action: "publication.failed", after: expect.objectContaining({ errorCode: "auth.invalid", error: "The access token is invalid" }) }]);
    const channel = await t.db.selectFrom("channels").select(["needs_reconnect", "reconnect_reason"]).where("id", "=", mastodon.id).executeTakeFirstOrThrow();
    expect(channel).toEqual({ needs_reconnect: true, reconnect_reason: "auth.invalid: The access token is invalid" });
  });

  it("a timeout on Mastodon is retried with the same Idempotency-Key: one post", async () => {
    const mastodon = await makeApiChannel(ctx, "mastodon", "bilingual", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
    const [id] = await makeScheduledItems(t.db, editor, approver, [mastodon], { count: 1, localDate: "2030-02-04" });
    fake.fail("mastodon", { status: 200, acceptThen: true, delayMs: 1_500 });
    await makeDueNow(t.db, [id!]);
    const postsBefore = fake.posts.length;
    const deps = { ...adapterDeps(ctx), timeoutMs: 500 };
    const states = await publishUntilSettled([id!], { deps });
    expect(states.map((s) => s.state)).toEqual(["published"]);
    expect(fake.posts.length - postsBefore).toBe(1);
    expect(fake.duplicates()).toEqual([]);
  });

  it("a timeout on X (no idempotency key) is not retried: unconfirmed, for a person to check", async () => {
    const x = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, { accessToken: "x-token" });
    const [id] = await makeScheduledItems(t.db, editor, approver, [x], { count: 1, localDate: "2030-02-05" });
    fake.fail("x", { status: 201, acceptThen: true, delayMs: 1_500 });
    await makeDueNow(t.db, [id!]);
    const postsBefore = fake.posts.length;
    const states = await publishUntilSettled([id!], { deps: { ...adapterDeps(ctx), timeoutMs: 500 } });
    expect(states.map((s) => [s.state, s.last_error_code])).toEqual([["unconfirmed", "network.timeout"]]);
    expect(fake.posts.length - postsBefore).toBe(1);
  });

  it("Bluesky, the signed webhook, Facebook and LinkedIn each receive their post once", async () => {
    const channels = [
      await makeApiChannel(ctx, "bluesky", "bilingual", `${fake.url}/bluesky`, { identifier: "cadence.test", appPassword: "app-pass" }),
      await makeApiChannel(ctx, "webhook", "bilingual", `${fake.url}/webhook`, { secret: fake.webhookSecret }),
      await makeApiChannel(ctx, "facebook", "bilingual", `${fake.url}/facebook`, { pageId: "123", accessToken: "fb-token" }),
      await makeApiChannel(ctx, "linkedin", "bilingual", `${fake.url}/linkedin`, { author: "urn:li:organization:1", accessToken: "li-token" }),
    ];
    const ids = await makeScheduledItems(t.db, editor, approver, channels, { count: 2, localDate: "2030-02-06" });
    await makeDueNow(t.db, ids);
    const postsBefore = fake.posts.length;
    const states = await publishUntilSettled(ids);
    expect(states.map((s) => s.state)).toEqual(Array(8).fill("published"));
    const received = fake.posts.slice(postsBefore);
    expect(received.map((p) => p.network).sort()).toEqual(["bluesky", "bluesky", "facebook", "facebook", "linkedin", "linkedin", "webhook", "webhook"]);
    // A bilingual channel gets both languages, French first by default.
    expect(received.find((p) => p.network === "webhook")!.text).toMatch(/^Publication de test \d+ : votre déclaration en ligne\.\n\nTestbericht \d+: uw aangifte online\.$/);
    expect(fake.duplicates()).toEqual([]);
  });
});

describe("recovery after a crash during the call", () => {
  it("asks the network where it can (Bluesky record key, outbox), and marks the rest unconfirmed — never a blind second call", async () => {
    const bluesky = await makeApiChannel(ctx, "bluesky", "bilingual", `${fake.url}/bluesky`, { identifier: "cadence.test", appPassword: "app-pass" });
    const x = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, { accessToken: "x-token" });
    const [sentToBluesky, neverReachedBluesky, sentToX] = await makeScheduledItems(t.db, editor, approver, [bluesky], { count: 3, localDate: "2030-03-01" });
    await t.db.updateTable("content_item_channels").set({ channel_id: x.id }).where("content_item_id", "=", sentToX!).execute();
    await t.db.updateTable("publications").set({ channel_id: x.id }).where("content_item_id", "=", sentToX!).execute();
    await makeDueNow(t.db, [sentToBluesky!, neverReachedBluesky!, sentToX!]);
    // A process claims all three, calls the networks for two of them, and dies.
    const claimed = await claimDuePublications(t.db, "dead-process", new Date(), 10);
    expect(claimed).toHaveLength(3);
    const byItem = new Map(claimed.map((c) => [c.contentItemId, c]));
    const deps = adapterDeps(ctx);
    for (const item of [sentToBluesky!, neverReachedBluesky!]) await setRemoteKey(t.db, byItem.get(item)!.id, "dead-process", `3kcadence${item.slice(0, 4)}`);
    for (const c of claimed) await markSent(t.db, { id: c.id, workerId: "dead-process", sentAt: new Date(), remoteKey: null, text: null, link: null });
    const { blueskyAdapter } = await import("../app/channels/bluesky.server");
    const { xAdapter } = await import("../app/channels/x.server");
    const channelOf = (ch: Channel, creds: Record<string, string>) => ({ id: ch.id, network: ch.network, name: ch.name, handle: ch.handle, baseUrl: ch.base_url, credentials: creds }) as const;
    const base = (item: string) => ({ publicationId: byItem.get(item)!.id, idempotencyKey: byItem.get(item)!.idempotencyKey, dueAt: new Date(), itemId: item, languages: ["fr", "nl"] as ("fr" | "nl")[], link: null });
    await blueskyAdapter.publish({ ...base(sentToBluesky!), remoteKey: `3kcadence${sentToBluesky!.slice(0, 4)}`, channel: channelOf(bluesky, { identifier: "cadence.test", appPassword: "app-pass" }), text: "sent before the crash" }, deps);
    await xAdapter.publish({ ...base(sentToX!), remoteKey: null, channel: channelOf(x, { accessToken: "x-token" }), text: "sent before the crash on X" }, deps);
    const postsBefore = fake.posts.length;

    const result = await recoverStuckPublications(ctx, { leaseMs: 0 });
    expect(result).toEqual({ recovered: 1, unconfirmed: 1, rescheduled: 1 });
    expect((await publicationStates(t.db, [sentToBluesky!]))[0]!.state).toBe("published");
    expect((await publicationStates(t.db, [sentToX!]))[0]!).toMatchObject({ state: "unconfirmed", last_error_code: "outcome_unknown" });
    expect((await publicationStates(t.db, [neverReachedBluesky!]))[0]!.state).toBe("scheduled");
    // Recovery itself sent nothing.
    expect(fake.posts.length).toBe(postsBefore);
    const states = await publishUntilSettled([neverReachedBluesky!]);
    expect(states.map((s) => s.state)).toEqual(["published"]);
    expect(fake.duplicates()).toEqual([]);
  });
});

describe("the recovery loop of the publish job", () => {
  it("sweeps at each interval until it is stopped, and what a dead worker held is due again", async () => {
    const ids = await makeScheduledItems(t.db, editor, approver, [outboxFr, outboxNl], { count: 1, localDate: "2030-03-03" });
    await makeDueNow(t.db, ids);
    expect(await claimDuePublications(t.db, "dead-worker", new Date(), 10)).toHaveLength(2);
    const controller = new AbortController();
    const loop = runRecovery(ctx, { signal: controller.signal, firstAfterMs: 0, everyMs: 50, leaseMs: 0 });
    const until = Date.now() + 10_000;
    while ((await publicationStates(t.db, ids)).some((s) => s.state !== "scheduled") && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const total = await loop;
    expect(total.rescheduled).toBe(2);
    expect((await publicationStates(t.db, ids)).map((s) => s.state)).toEqual(["scheduled", "scheduled"]);
  });
});

describe("a publisher that stalled past its lease", () => {
  it("finds its claim taken over and calls the network no more: one post, sent by the process that recovered it", async () => {
    const x = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, { accessToken: "x-token" });
    const ids = await makeScheduledItems(t.db, editor, approver, [x], { count: 3, localDate: "2030-03-02" });
    await makeDueNow(t.db, ids);
    // A publisher claims them, then stalls (a long GC pause, a frozen VM) before its call…
    const stalled = await claimDuePublications(t.db, "stalled-publisher", new Date(), 10);
    expect(stalled).toHaveLength(3);
    // …recovery gives them to another process, which sends them…
    expect(await recoverStuckPublications(ctx, { leaseMs: 0 })).toMatchObject({ rescheduled: 3 });
    const states = await publishUntilSettled(ids, { workerId: "healthy-publisher" });
    expect(states.map((p) => p.state)).toEqual(["published", "published", "published"]);
    const calls = fake.calls.filter((c) => c.network === "x").length;
    // …and the stalled one wakes up: it records nothing and calls nothing.
    const { publishClaimed } = await import("../app/services/publishing.server");
    for (const claim of stalled) expect(await publishClaimed(ctx, claim, "stalled-publisher", adapterDeps(ctx))).toBe("lost");
    expect(fake.calls.filter((c) => c.network === "x").length).toBe(calls);
    expect((await publicationStates(t.db, ids)).map((p) => p.state)).toEqual(["published", "published", "published"]);
  });
});

describe("the crisis hold", () => {
  it("nothing goes out while held; on release, what passed is listed for rescheduling, not sent; a move schedules it again", async () => {
    const admin = await makeUser(t.db, ["admin"]);
    expect(await holdPublishing(ctx, editor, { scope: "all", reason: "Crise" })).toEqual({ ok: false, key: "error.forbidden.body" });
    expect(await holdPublishing(ctx, admin, { scope: "all", reason: " " })).toEqual({ ok: false, key: "hold.reasonRequired" });
    expect(await holdPublishing(ctx, admin, { scope: "all", reason: "Incident national : tout est suspendu." })).toEqual({ ok: true });
    const ids = await makeScheduledItems(t.db, editor, approver, [outboxFr, outboxNl], { count: 3, localDate: "2030-06-10" });
    await makeDueNow(t.db, ids);
    // Due, and the publisher has looked at the queue several times since: nothing may have gone.
    await publishUntil(() => Promise.resolve(true), { rounds: 5 });
    const held = await publicationStates(t.db, ids);
    expect(held.every((s) => s.state === "scheduled")).toBe(true);
    expect(await t.db.selectFrom("outbox_messages").select("id").where("publication_id", "in", held.map((s) => s.id)).execute()).toEqual([]);

    const hold = await t.db.selectFrom("publishing_holds").select("id").where("released_at", "is", null).executeTakeFirstOrThrow();
    const released = await releaseHold(ctx, admin, hold.id);
    expect(released.ok && [...(released.rescheduleItems ?? [])].sort()).toEqual([...ids].sort());
    const after = await publicationStates(t.db, ids);
    expect(after).toEqual([]);
    const items = await t.db.selectFrom("content_items").select(["id", "status", "version"]).where("id", "in", ids).execute();
    expect(items.every((i) => i.status === "held")).toBe(true);
    const audit = await t.db.selectFrom("audit_events").select("action").where("action", "in", ["publishing.held", "publishing.released"]).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["publishing.held", "publishing.released"]);

    // The editor moves one to a new time: it is scheduled again, with its publications.
    const one = items[0]!;
    const moved = await moveItem(ctx, editor, one.id, { localDate: "2030-06-20", localTime: "11:00", version: one.version });
    expect(moved.ok).toBe(true);
    expect((await t.db.selectFrom("content_items").select("status").where("id", "=", one.id).executeTakeFirstOrThrow()).status).toBe("scheduled");
    expect((await publicationStates(t.db, [one.id])).map((s) => [s.state, s.due_at.toISOString()])).toEqual([
      ["scheduled", "2030-06-20T09:00:00.000Z"],
      ["scheduled", "2030-06-20T09:00:00.000Z"],
    ]);
  });

  it("a hold of one language keeps that language's publications waiting and lets the other go", async () => {
    const admin = await makeUser(t.db, ["approver"]);
    expect(await holdPublishing(ctx, admin, { scope: "language", language: "nl", reason: "Vertaling in nazicht" })).toEqual({ ok: true });
    const ids = await makeScheduledItems(t.db, editor, approver, [outboxFr, outboxNl], { count: 2, localDate: "2030-06-11" });
    await makeDueNow(t.db, ids);
    await publishUntil(async () => (await publicationStates(t.db, ids)).filter((s) => s.channel_id === outboxFr.id).every((s) => s.state === "published"), { rounds: 5 });
    const states = await publicationStates(t.db, ids);
    expect(states.filter((s) => s.channel_id === outboxFr.id).map((s) => s.state)).toEqual(["published", "published"]);
    expect(states.filter((s) => s.channel_id === outboxNl.id).map((s) => s.state)).toEqual(["scheduled", "scheduled"]);
    const hold = await t.db.selectFrom("publishing_holds").select("id").where("released_at", "is", null).executeTakeFirstOrThrow();
    await releaseHold(ctx, admin, hold.id);
  });
});

describe("a person's decision on a publication", () => {
  it("confirms an unconfirmed one after checking by hand, or retries a failed one; each audited", async () => {
    const x = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, { accessToken: "x-token" });
    const [id] = await makeScheduledItems(t.db, editor, approver, [x], { count: 1, localDate: "2030-06-12" });
    const [p] = await publicationStates(t.db, [id!]);
    await t.db.updateTable("publications").set({ state: "unconfirmed" }).where("id", "=", p!.id).execute();
    expect(await actOnPublication(ctx, editor, p!.id, { action: "confirm", remoteUrl: "not a url" })).toEqual({ ok: false, key: "validation.url" });
    expect(await actOnPublication(ctx, editor, p!.id, { action: "confirm", remoteUrl: "https://x.com/cadence/status/1" })).toEqual({ ok: true });
    expect((await publicationStates(t.db, [id!]))[0]).toMatchObject({ state: "published", remote_url: "https://x.com/cadence/status/1" });
    expect(await actOnPublication(ctx, editor, p!.id, { action: "retry" })).toEqual({ ok: false, key: "publication.notNow" });
    await t.db.updateTable("publications").set({ state: "failed" }).where("id", "=", p!.id).execute();
    expect(await actOnPublication(ctx, editor, p!.id, { action: "retry" })).toEqual({ ok: true });
    expect((await publicationStates(t.db, [id!]))[0]!.state).toBe("scheduled");
    const actions = await t.db.selectFrom("audit_events").select("action").where("subject_id", "=", id!).orderBy("id").execute();
    expect(actions.map((a) => a.action)).toEqual(["publication.confirmed", "publication.retried"]);
  });
});

describe("demo mode", () => {
  it("a channel without credentials publishes to the local outbox, so the demo publishes without accounts", async () => {
    const demo = testContext(t.db, { demo: true });
    const x = await t.db
      .insertInto("channels")
      .values({ network: "x", language: "bilingual", name: "X demo", handle: "demo", base_url: null, credentials_encrypted: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    const [id] = await makeScheduledItems(t.db, editor, approver, [x], { count: 1, localDate: "2030-06-13" });
    await makeDueNow(t.db, [id!]);
    await publishUntil(async () => (await publicationStates(t.db, [id!])).every((s) => s.state !== "scheduled" && s.state !== "sending"), { on: demo, rounds: 1 });
    const [p] = await publicationStates(t.db, [id!]);
    expect(p!.state).toBe("published");
    const message = await t.db.selectFrom("outbox_messages").select("payload").where("publication_id", "=", p!.id).executeTakeFirstOrThrow();
    expect(message.payload).toMatchObject({ channel: "X demo" });
  });
});

describe("channel set-up", () => {
  it("stores credentials encrypted, never shows them, tests the connection, and clears 'needs reconnecting' with new ones", async () => {
    const admin = await makeUser(t.db, ["admin"]);
    expect(await saveChannel(ctx, editor, { network: "mastodon", language: "fr", name: "Masto FR" })).toMatchObject({ ok: false, errors: { _form: { key: "error.forbidden.body" } } });
    expect(await saveChannel(ctx, admin, { network: "mastodon", language: "fr", name: "Masto FR", active: "on" })).toMatchObject({ ok: false, errors: { baseUrl: { key: "channel.baseUrlRequired" } } });
    const saved = await saveChannel(ctx, admin, { network: "mastodon", language: "fr", name: "Masto FR", baseUrl: `${fake.url}/mastodon`, active: "on", cred_accessToken: "wrong-token" });
    expect(saved.ok).toBe(true);
    const id = saved.ok ? saved.id : "";
    const stored = await t.db.selectFrom("channels").select(["credentials_encrypted", "version"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(stored.credentials_encrypted).not.toContain("wrong-token");
    const listed = (await channelsForAdmin(ctx)).find((c) => c.id === id)!;
    expect(listed).toMatchObject({ hasCredentials: true });
    expect(JSON.stringify(listed)).not.toContain("wrong-token");
    expect(await testChannelConnection(ctx, admin, id)).toMatchObject({ ok: false, key: "publishError.auth.invalid" });
    await t.db.updateTable("channels").set({ needs_reconnect: true, reconnect_reason: "auth.invalid" }).where("id", "=", id).execute();
    const fixed = await saveChannel(ctx, admin, { id, version: String(stored.version), network: "mastodon", language: "fr", name: "Masto FR", baseUrl: `${fake.url}/mastodon`, active: "on", cred_accessToken: "mastodon-token" });
    expect(fixed.ok).toBe(true);
    expect((await channelsForAdmin(ctx)).find((c) => c.id === id)).toMatchObject({ needsReconnect: false, hasCredentials: true });
    expect(await testChannelConnection(ctx, admin, id)).toEqual({ ok: true, account: "cadence" });
  });
});

describe("token refresh", () => {
  it("renews an X token about to expire with its rotating refresh token; a refused refresh marks the channel for reconnection", async () => {
    const soon = new Date(Date.now() + 10 * 60_000).toISOString();
    const x = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, {
      accessToken: "old-token",
      refreshToken: "x-refresh-1",
      clientId: "cadence-client",
      clientSecret: "cadence-secret",
      expiresAt: soon,
    });
    const later = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, { accessToken: "x-token", refreshToken: "unused", clientId: "cadence-client", expiresAt: new Date(Date.now() + 5 * 3600_000).toISOString() });
    expect(await refreshExpiringTokens(ctx)).toEqual({ refreshed: 1, failed: 0 });
    const stored = await t.db.selectFrom("channels").select("credentials_encrypted").where("id", "=", x.id).executeTakeFirstOrThrow();
    const creds = JSON.parse(decryptCredentials(ctx.config.credentialsKey, x.id, stored.credentials_encrypted!)) as Record<string, string>;
    expect(creds).toMatchObject({ accessToken: "x-token", clientId: "cadence-client" });
    expect(creds.refreshToken).toMatch(/^x-refresh-/);
    expect(creds.refreshToken).not.toBe("x-refresh-1");
    expect(Date.parse(creds.expiresAt!)).toBeGreaterThan(Date.now() + 3600_000);
    // The channel whose token is far from expiry was not touched.
    expect((await t.db.selectFrom("channels").select("credentials_encrypted").where("id", "=", later.id).executeTakeFirstOrThrow()).credentials_encrypted).toBe(later.credentials_encrypted);

    // The old refresh token no longer works (rotation): a refresh with it is refused.
    const stale = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, { accessToken: "old", refreshToken: "x-refresh-1", clientId: "cadence-client", clientSecret: "cadence-secret", expiresAt: soon });
    expect(await refreshExpiringTokens(ctx)).toEqual({ refreshed: 0, failed: 1 });
    expect(await t.db.selectFrom("channels").select(["needs_reconnect", "reconnect_reason"]).where("id", "=", stale.id).executeTakeFirstOrThrow()).toEqual({
      needs_reconnect: true,
      reconnect_reason: "auth.invalid: Value passed for the token was invalid.",
    });
  });
});
