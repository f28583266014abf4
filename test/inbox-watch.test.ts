import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../app/services/context.server";
import { collectInbox, inboxPage, listeningTrouble } from "../app/services/inbox.server";
import { collectWatches } from "../app/services/inbox-watch.server";
import { adapterDeps } from "../app/services/publishing.server";
import { updateTeamSettings } from "../app/services/settings.server";
import type { Channel, User } from "../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makeUser } from "./factories";
import { makeApiChannel } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";

/**
 * Keyword watches against the local Bluesky (app.bsky.feed.searchPosts) and Mastodon
 * (/api/v2/search?type=statuses), which search public posts with their real shapes and paging:
 * found once each, resumed from the stored position, kept in their own queue outside the
 * one-business-day rule, and moved to the language queue when the person writes to us.
 */
let t: TestDatabase;
let ctx: AppContext;
let fake: FakeNetworks;
let admin: User;
let responder: User;
let mastodon: Channel;
let bluesky: Channel;

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  fake = await startFakeNetworks();
  admin = await makeUser(t.db, ["admin"]);
  responder = await makeUser(t.db, ["responder"]);
  mastodon = await makeApiChannel(ctx, "mastodon", "fr", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
  bluesky = await makeApiChannel(ctx, "bluesky", "bilingual", `${fake.url}/bluesky`, { identifier: "cadence.test", appPassword: "app-password" });
});
afterAll(async () => {
  await fake?.close();
  await t?.drop();
});

const deps = () => adapterDeps(ctx, fetch);
const watch = (pageSize?: number) => collectWatches(ctx, { deps: deps(), pageSize });
const watched = async () =>
  await t.db
    .selectFrom("inbox_messages")
    .innerJoin("conversations", "conversations.id", "inbox_messages.conversation_id")
    .select(["inbox_messages.remote_id", "inbox_messages.channel_id", "conversations.origin", "conversations.id"])
    .execute();

describe("keyword watches", () => {
  it("nothing is searched until an admin names terms", async () => {
    fake.publicPost("bluesky", { author: "early.bsky.social", text: "tax-on-web is traag vandaag" });
    expect(await watch()).toEqual({ searches: 0, found: 0, skipped: 0, failed: 0 });
    expect(fake.reads.filter((r) => r.query.includes("q="))).toHaveLength(0);
  });

  it("finds public posts with a watched term on both networks, once each, resuming from where it stopped", async () => {
    expect(await updateTeamSettings(ctx, admin, { bilingualOrder: "fr-nl", translationDeadlineDays: "2", watchTerms: "tax-on-web\nMyMinfin" })).toEqual({ ok: true });
    const first = await watch();
    expect(first).toMatchObject({ searches: 4, failed: 0 });
    const ids = (await watched()).map((m) => m.remote_id);
    expect(ids).toHaveLength(1); // the Bluesky post written before the terms were set
    const found = [
      fake.publicPost("mastodon", { author: "plainte@other.social", text: "Impossible de me connecter à MyMinfin depuis ce matin." }),
      ...Array.from({ length: 7 }, (_, i) => fake.publicPost("bluesky", { author: `user${i}.bsky.social`, text: `Waarom is tax-on-web zo traag? (${i})` })),
    ];
    fake.publicPost("bluesky", { author: "cadence.test", text: "Tax-on-web is open." });
    fake.publicPost("bluesky", { author: "other.bsky.social", text: "Rien à voir avec les impôts." });
    await watch(3);
    const now = (await watched()).map((m) => m.remote_id);
    for (const id of found) expect(now).toContain(id);
    expect(now).toHaveLength(9);
    await watch(3);
    expect(await watched()).toHaveLength(9);
    // The account's own post is not someone else's.
    const handles = await t.db.selectFrom("conversations").select("citizen_handle").execute();
    expect(handles.map((h) => h.citizen_handle)).not.toContain("cadence.test");
    expect((await watched()).every((m) => m.origin === "watch")).toBe(true);
  });

  it("watched conversations have their own queue, outside the language queues and their deadlines", async () => {
    const page = await inboxPage(ctx, responder, "watch", 0);
    expect(page.rows.length).toBe(9);
    expect(page.side.watch).toBe(9);
    expect(page.counts.reduce((n, c) => n + c.open, 0)).toBe(0);
    expect((await inboxPage(ctx, responder, "nl", 0)).rows).toHaveLength(0);
  });

  it("a person found by a watch who then writes to us moves to the language queue; a mention that contains a term is stored once", async () => {
    const before = await watched();
    const watchedPerson = before.find((m) => m.channel_id === mastodon.id)!;
    const mention = fake.mention("mastodon", { author: "plainte@other.social", text: "Bonjour, MyMinfin refuse toujours ma connexion, pouvez-vous m'aider ?" });
    await collectInbox(ctx, { deps: deps() });
    await watch();
    const rows = (await watched()).filter((m) => m.remote_id === mention);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ origin: "addressed", id: watchedPerson.id });
    expect((await inboxPage(ctx, responder, "fr", 0)).rows.map((r) => r.id)).toContain(watchedPerson.id);
  });

  it("a refused search waits out the network's signal, per term", async () => {
    fake.failReads("mastodon", { status: 429, body: { error: "Too many requests" }, headers: { "x-ratelimit-reset": new Date(Date.now() + 10 * 60_000).toISOString() } });
    const report = await watch();
    expect(report.failed).toBe(1);
    const cursors = await t.db.selectFrom("inbox_watch_cursors").select(["term", "channel_id", "last_error_code", "not_before"]).where("channel_id", "=", mastodon.id).execute();
    const refused = cursors.filter((c) => c.last_error_code === "rate_limited");
    expect(refused).toHaveLength(1);
    expect(refused[0]!.not_before!.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect((await watch()).skipped).toBe(1);
    expect(await listeningTrouble(ctx)).toEqual([expect.objectContaining({ name: mastodon.name, code: "rate_limited", term: refused[0]!.term })]);
    // A term no longer watched loses its positions.
    expect(await updateTeamSettings(ctx, admin, { bilingualOrder: "fr-nl", translationDeadlineDays: "2", watchTerms: "MyMinfin" })).toEqual({ ok: true });
    await watch();
    expect((await t.db.selectFrom("inbox_watch_cursors").select("term").execute()).every((c) => c.term === "MyMinfin")).toBe(true);
    expect(bluesky.network).toBe("bluesky");
  });
});
