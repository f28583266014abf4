import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collectMetrics, readPublicationNow } from "../app/services/metrics.server";
import { adapterDeps } from "../app/services/publishing.server";
import type { AppContext } from "../app/services/context.server";
import type { Channel, User } from "../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makeUser } from "./factories";
import { makeApiChannel, makePublished } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";

/**
 * Reading what the posts achieved, against the local stand-ins for the six networks (their
 * metrics endpoints with their real shapes, batch limits and rate-limit signals): one reading per
 * post at 1 hour, 24 hours, 7 days and 28 days, batched per call, a refusal waiting for its reset,
 * nothing read twice after a crash or by two rounds at once, and "not available" kept apart from 0.
 */
let t: TestDatabase;
let ctx: AppContext;
let fake: FakeNetworks;
let author: User;
let clock = new Date("2030-05-06T08:00:00Z");
const HOUR = 3_600_000;
const at = (ms: number) => new Date(T0.getTime() + ms);
const T0 = new Date("2030-05-06T08:00:00Z");
let ch: Record<"mastodon" | "bluesky" | "x" | "facebook" | "linkedin" | "youtube", Channel>;

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db, { now: () => clock });
  fake = await startFakeNetworks();
  author = await makeUser(t.db, ["editor"]);
  ch = {
    mastodon: await makeApiChannel(ctx, "mastodon", "fr", `${fake.url}/mastodon`, { accessToken: "mastodon-token" }),
    bluesky: await makeApiChannel(ctx, "bluesky", "bilingual", `${fake.url}/bluesky`, { identifier: "cadence.test", appPassword: "app-password" }),
    x: await makeApiChannel(ctx, "x", "nl", `${fake.url}/x`, { accessToken: "x-token" }),
    facebook: await makeApiChannel(ctx, "facebook", "fr", `${fake.url}/facebook`, { pageId: "123", accessToken: "fb-token" }),
    linkedin: await makeApiChannel(ctx, "linkedin", "bilingual", `${fake.url}/linkedin`, { author: "urn:li:organization:42", accessToken: "li-token" }),
    youtube: await makeApiChannel(ctx, "youtube", "fr", `${fake.url}/youtube`, { accessToken: "youtube-token" }),
  };
});
afterAll(async () => {
  await fake?.close();
  await t?.drop();
});
beforeEach(async () => {
  await t.db.deleteFrom("publications").execute();
  await t.db.deleteFrom("metrics_cursors").execute();
  fake.metricReads.length = 0;
});

const readingsOf = async (publicationIds: readonly string[]) =>
  publicationIds.length === 0 ? [] : await t.db.selectFrom("publication_metrics").selectAll().where("publication_id", "in", publicationIds).orderBy("read_at").orderBy("id").execute();
const callsOf = (network: string) => fake.metricReads.filter((r) => r.network === network).map((r) => r.ids);

describe("collecting metrics", () => {
  it("reads every network at 1 h, 24 h, 7 d and 28 d, batched per call, once per moment", async () => {
    const remote = {
      mastodon: fake.seedPosts("mastodon", 45),
      bluesky: fake.seedPosts("bluesky", 30),
      x: fake.seedPosts("x", 3),
      facebook: fake.seedPosts("facebook", 3),
      linkedin: fake.seedPosts("linkedin", 3),
      youtube: fake.seedPosts("youtube", 3),
    };
    const pubs: Record<string, string[]> = {};
    for (const [network, ids] of Object.entries(remote)) pubs[network] = await makePublished(t.db, author, ch[network as keyof typeof ch], ids, T0);
    const all = Object.values(pubs).flat();
    fake.engage("mastodon", remote.mastodon[0]!, { likes: 7, reposts: 2, replies: 1 });
    fake.engage("bluesky", remote.bluesky[0]!, { likes: 5, reposts: 1, replies: 2, quotes: 3 });
    fake.engage("x", remote.x[0]!, { likes: 11, reposts: 4, replies: 3, quotes: 1, impressions: 1234 });
    fake.engage("facebook", remote.facebook[0]!, { likes: 9, reposts: 2, replies: 4, views: 850 });
    fake.engage("linkedin", remote.linkedin[0]!, { likes: 6, reposts: 1, replies: 2, impressions: 640 });
    fake.engage("youtube", remote.youtube[0]!, { likes: 8, replies: 5, views: 410 });

    clock = at(HOUR / 2);
    expect((await collectMetrics(ctx)).stored).toBe(0);
    expect(fake.metricReads).toEqual([]);

    clock = at(HOUR + 60_000);
    const first = await collectMetrics(ctx);
    expect(first).toMatchObject({ due: all.length, stored: all.length, failed: 0, channels: 6 });
    // One call per batch: 20 statuses (Mastodon), 25 posts (Bluesky), 100 (X), 50 (Facebook), 20 (LinkedIn), 50 (YouTube).
    expect(callsOf("mastodon")).toEqual([20, 20, 5]);
    expect(callsOf("bluesky")).toEqual([25, 5]);
    expect([callsOf("x"), callsOf("facebook"), callsOf("linkedin"), callsOf("youtube")]).toEqual([[3], [3], [3], [3]]);
    const firstReadings = await readingsOf(all);
    expect(firstReadings.every((r) => r.moment === "1h")).toBe(true);
    const of = async (network: string) => {
      const [r] = await readingsOf([pubs[network]![0]!]);
      return r && { likes: r.likes, reposts: r.reposts, replies: r.replies, quotes: r.quotes, impressions: r.impressions, views: r.views };
    };
    expect(await of("mastodon")).toEqual({ likes: 7, reposts: 2, replies: 1, quotes: 0, impressions: null, views: null });
    expect(await of("bluesky")).toEqual({ likes: 5, reposts: 1, replies: 2, quotes: 3, impressions: null, views: null });
    expect(await of("x")).toEqual({ likes: 11, reposts: 4, replies: 3, quotes: 1, impressions: 1234, views: null });
    expect(await of("facebook")).toEqual({ likes: 9, reposts: 2, replies: 4, quotes: null, impressions: null, views: 850 });
    expect(await of("linkedin")).toEqual({ likes: 6, reposts: 1, replies: 2, quotes: null, impressions: 640, views: null });
    expect(await of("youtube")).toEqual({ likes: 8, reposts: null, replies: 5, quotes: null, impressions: null, views: 410 });

    // The same moment again: nothing due, nothing asked.
    fake.metricReads.length = 0;
    expect(await collectMetrics(ctx)).toMatchObject({ due: 0, stored: 0 });
    expect(fake.metricReads).toEqual([]);

    fake.engage("x", remote.x[0]!, { likes: 30, impressions: 5000 });
    for (const [moment, after] of [["24h", 24 * HOUR], ["7d", 7 * 24 * HOUR], ["28d", 28 * 24 * HOUR]] as const) {
      clock = at(after + 5 * 60_000);
      expect(await collectMetrics(ctx)).toMatchObject({ stored: all.length, failed: 0 });
      expect((await readingsOf(all)).filter((r) => r.moment === moment)).toHaveLength(all.length);
    }
    const xSeries = await readingsOf([pubs.x![0]!]);
    expect(xSeries.map((r) => [r.moment, r.likes, r.impressions])).toEqual([["1h", 11, 1234], ["24h", 30, 5000], ["7d", 30, 5000], ["28d", 30, 5000]]);
    // After 29 days a post is no longer read.
    clock = at(30 * 24 * HOUR);
    expect((await collectMetrics(ctx)).due).toBe(0);
  });

  it("keeps 'not available' apart from 0: a figure the network does not offer is null, a deleted post has no figures", async () => {
    const [fbQuiet, fbGone] = fake.seedPosts("facebook", 2);
    const [ytHidden] = fake.seedPosts("youtube", 1);
    const [mastodonZero] = fake.seedPosts("mastodon", 1);
    fake.engage("youtube", ytHidden!, { likes: -1, views: 12 });
    fake.deletePost("facebook", fbGone!);
    const [quiet, gone] = await makePublished(t.db, author, ch.facebook, [fbQuiet!, fbGone!], T0);
    const [hidden] = await makePublished(t.db, author, ch.youtube, [ytHidden!], T0);
    const [zero] = await makePublished(t.db, author, ch.mastodon, [mastodonZero!], T0);
    clock = at(HOUR + 60_000);
    const round = await collectMetrics(ctx);
    expect(round).toMatchObject({ stored: 4, gone: 1, failed: 0 });
    const figures = async (id: string) => {
      const [r] = await readingsOf([id]);
      return [r!.likes, r!.reposts, r!.replies, r!.quotes, r!.impressions, r!.views];
    };
    // Nobody shared: Meta leaves `shares` out, which means 0 shares; quotes and impressions do not exist on Facebook.
    expect(await figures(quiet!)).toEqual([0, 0, 0, null, null, 0]);
    // Meta refused the batch for the deleted post; read one by one, the deleted one has no figures at all.
    expect(await figures(gone!)).toEqual([null, null, null, null, null, null]);
    expect(callsOf("facebook")).toEqual([2, 1, 1]);
    // The channel hides its likes: not available, while its views are read.
    expect(await figures(hidden!)).toEqual([null, null, 0, null, null, 12]);
    expect(await figures(zero!)).toEqual([0, 0, 0, 0, null, null]);
  });

  it("waits for a rate limit's reset, backs off after a refusal, and the other channels carry on", async () => {
    const xIds = await makePublished(t.db, author, ch.x, fake.seedPosts("x", 2), T0);
    const liIds = await makePublished(t.db, author, ch.linkedin, fake.seedPosts("linkedin", 2), T0);
    const bsIds = await makePublished(t.db, author, ch.bluesky, fake.seedPosts("bluesky", 2), T0);
    clock = at(HOUR + 60_000);
    const reset = Math.floor(clock.getTime() / 1000) + 900;
    fake.failReads("x", { status: 429, body: { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 }, headers: { "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(reset) } });
    fake.failReads("linkedin", { status: 401, body: { serviceErrorCode: 65601, message: "The token used in the request has been revoked by the user", status: 401 } });
    const round = await collectMetrics(ctx);
    expect(round).toMatchObject({ stored: 2, failed: 2 });
    expect(await readingsOf([...xIds, ...liIds])).toEqual([]);
    expect(await readingsOf(bsIds)).toHaveLength(2);
    const cursors = await t.db.selectFrom("metrics_cursors").selectAll().execute();
    const xCursor = cursors.find((c) => c.channel_id === ch.x.id)!;
    expect(xCursor.not_before!.getTime()).toBe(reset * 1000);
    expect(xCursor.error_code).toBe("rate_limited");
    const liCursor = cursors.find((c) => c.channel_id === ch.linkedin.id)!;
    expect(liCursor.error_code).toBe("auth.invalid");
    expect(liCursor.not_before!.getTime()).toBe(clock.getTime() + 30_000);

    // Before X's reset, X is not asked; LinkedIn's back-off has passed and it is read.
    fake.metricReads.length = 0;
    clock = new Date(clock.getTime() + 60_000);
    expect(await collectMetrics(ctx)).toMatchObject({ skipped: 1, stored: 2, failed: 0 });
    expect(callsOf("x")).toEqual([]);
    expect(await readingsOf(liIds)).toHaveLength(2);
    // After it, X is read and its cursor is clear.
    clock = new Date(reset * 1000 + 1000);
    expect(await collectMetrics(ctx)).toMatchObject({ stored: 2, failed: 0 });
    expect(await readingsOf(xIds)).toHaveLength(2);
    expect((await t.db.selectFrom("metrics_cursors").selectAll().where("channel_id", "=", ch.x.id).executeTakeFirstOrThrow()).error_code).toBeNull();
  });

  it("a round cut off after its first batch resumes without reading anything twice; two rounds at once store each reading once", async () => {
    const ids = await makePublished(t.db, author, ch.bluesky, fake.seedPosts("bluesky", 60), T0);
    clock = at(HOUR + 60_000);
    // The process dies during the second call: the first batch is stored, the call never answers.
    let calls = 0;
    const dying: typeof fetch = (input, init) => ((typeof input === "string" ? input : input instanceof URL ? input.href : input.url).includes("getPosts") && ++calls === 2 ? new Promise<Response>(() => {}) : fetch(input, init));
    const cut = collectMetrics(ctx, { deps: { ...adapterDeps(ctx, dying), timeoutMs: 60_000 } });
    await new Promise((r) => setTimeout(r, 1500));
    void cut;
    expect(await readingsOf(ids)).toHaveLength(25);
    // The next process reads the 35 left.
    expect(await collectMetrics(ctx)).toMatchObject({ due: 35, stored: 35 });
    expect(await readingsOf(ids)).toHaveLength(60);
    // Two schedulers at the next moment: both read, each reading is stored once.
    clock = at(24 * HOUR + 60_000);
    const [a, b] = await Promise.all([collectMetrics(ctx), collectMetrics(ctx)]);
    expect(a.stored + b.stored).toBe(60);
    const rows = await readingsOf(ids);
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((r) => `${r.publication_id}|${r.moment}`)).size).toBe(120);
  });

  it("a moment missed by more than a day is skipped, not read late under its name; a person can ask for a reading now", async () => {
    const [remote] = fake.seedPosts("mastodon", 1);
    const [id] = await makePublished(t.db, author, ch.mastodon, [remote!], T0);
    fake.engage("mastodon", remote!, { likes: 3 });
    // The scheduler was stopped for three days: the 1-hour and 24-hour readings are lost, the 7-day one comes on time.
    clock = at(3 * 24 * HOUR);
    expect(await collectMetrics(ctx)).toMatchObject({ due: 0 });
    clock = at(7 * 24 * HOUR + 60_000);
    await collectMetrics(ctx);
    expect((await readingsOf([id!])).map((r) => r.moment)).toEqual(["7d"]);
    fake.engage("mastodon", remote!, { likes: 4 });
    const now = await readPublicationNow(ctx, id!);
    expect(now).toEqual({ ok: true, metrics: { likes: 4, reposts: 0, replies: 0, quotes: 0, impressions: null, views: null } });
    expect((await readingsOf([id!])).map((r) => [r.moment, r.likes])).toEqual([["7d", 3], ["asked", 4]]);
    fake.deletePost("mastodon", remote!);
    expect(await readPublicationNow(ctx, id!)).toEqual({ ok: false, reason: "gone" });
    expect(await readPublicationNow(ctx, "00000000-0000-0000-0000-000000000000")).toEqual({ ok: false, reason: "not_found" });
    expect(await readPublicationNow(ctx, "not-a-uuid")).toEqual({ ok: false, reason: "not_found" });
  });

  it("a Mastodon server older than 4.3 (no multi-status read) is read one status at a time", async () => {
    const old = await startFakeNetworks({ mastodonWithoutMultiGet: true });
    try {
      const channel = await makeApiChannel(ctx, "mastodon", "nl", `${old.url}/mastodon`, { accessToken: "mastodon-token" });
      const remote = old.seedPosts("mastodon", 3);
      old.engage("mastodon", remote[1]!, { likes: 2, replies: 1 });
      const ids = await makePublished(t.db, author, channel, remote, T0);
      clock = at(HOUR + 60_000);
      await collectMetrics(ctx);
      expect(old.metricReads.map((r) => r.ids)).toEqual([1, 1, 1]);
      const rows = await readingsOf(ids);
      expect(rows.map((r) => r.likes).sort()).toEqual([0, 0, 2]);
    } finally {
      await old.close();
    }
  });
});
