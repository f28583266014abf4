import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../app/server/web.server";
import type { AppContext } from "../app/services/context.server";
import { receiveFacebookWebhook, verifyFacebookSubscription } from "../app/services/facebook-webhook.server";
import { collectInbox, listeningTrouble, recoverInboxReplies, sendReply } from "../app/services/inbox.server";
import { adapterDeps } from "../app/services/publishing.server";
import { startReply } from "../db/repositories/inbox";
import type { Channel, User } from "../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makeUser } from "./factories";
import { makeApiChannel, makeDueNow, makeScheduledItems, publicationStates, publishUntilSettled } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { startTestServer } from "./setup/web";

/**
 * Comments on the page's own posts, where Facebook and LinkedIn keep what citizens write to an
 * organisation: read per recent post from the local fakes (their real shapes and paging), pushed
 * by the Facebook page webhook (signed), threaded to the Cadence post, and answered in the
 * comment's thread exactly once.
 */
let t: TestDatabase;
let ctx: AppContext;
let fake: FakeNetworks;
let facebook: Channel;
let linkedin: Channel;
let responder: User;
let fbItem: string;
let fbPost: string;
let liItem: string;
let liPost: string;
const APP_SECRET = "cadence-app-secret";
const VERIFY_TOKEN = "verify-token-0123456789";

beforeAll(async () => {
  t = await createTestDatabase();
  const base = testContext(t.db);
  ctx = { ...base, config: { ...base.config, facebookWebhook: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN } } };
  fake = await startFakeNetworks();
  responder = await makeUser(t.db, ["responder"]);
  const editor = await makeUser(t.db, ["editor"]);
  const approver = await makeUser(t.db, ["approver"]);
  facebook = await makeApiChannel(ctx, "facebook", "bilingual", `${fake.url}/facebook`, { pageId: "123", accessToken: "fb-token" });
  linkedin = await makeApiChannel(ctx, "linkedin", "bilingual", `${fake.url}/linkedin`, { accessToken: "li-token", author: "urn:li:organization:42" });
  // Each channel publishes one post through the publisher: its network id is where comments are read.
  fbItem = (await makeScheduledItems(t.db, editor, approver, [facebook], { count: 1, localDate: "2030-05-06" }))[0]!;
  liItem = (await makeScheduledItems(t.db, editor, approver, [linkedin], { count: 1, localDate: "2030-05-06" }))[0]!;
  await makeDueNow(t.db, [fbItem, liItem]);
  await publishUntilSettled(ctx, [fbItem, liItem]);
  expect((await publicationStates(t.db, [fbItem, liItem])).map((p) => p.state)).toEqual(["published", "published"]);
  const remote = async (channelId: string) => (await t.db.selectFrom("publications").select("remote_id").where("channel_id", "=", channelId).executeTakeFirstOrThrow()).remote_id!;
  fbPost = await remote(facebook.id);
  liPost = await remote(linkedin.id);
});
afterAll(async () => {
  await fake?.close();
  await t?.drop();
});

const deps = () => adapterDeps(ctx, fetch);
const collect = (pageSize?: number) => collectInbox(ctx, { deps: deps(), pageSize, commentsEveryMs: 0 });
const messageOf = async (channelId: string, remoteId: string) =>
  await t.db
    .selectFrom("inbox_messages")
    .innerJoin("conversations", "conversations.id", "inbox_messages.conversation_id")
    .select(["conversations.id as conversation", "conversations.content_item_id", "conversations.citizen_handle", "conversations.language", "inbox_messages.text"])
    .where("inbox_messages.channel_id", "=", channelId)
    .where("remote_id", "=", remoteId)
    .executeTakeFirst();
const countOf = async (channelId: string) => Number((await t.db.selectFrom("inbox_messages").select((eb) => eb.fn.countAll<string>().as("n")).where("channel_id", "=", channelId).executeTakeFirstOrThrow()).n);

describe("Facebook page comments", () => {
  it("reads the comments on the page's recent posts, pages through them, threads them to the Cadence post and leaves the page's own answers out", async () => {
    const first = fake.mention("facebook", { author: "Marie Dupont", text: "Bonjour, le lien vers MyMinfin ne fonctionne pas chez moi.", inReplyTo: fbPost });
    await collect();
    const stored = await messageOf(facebook.id, first);
    expect(stored).toMatchObject({ content_item_id: fbItem, citizen_handle: "Marie Dupont (psid-Marie Dupont)", language: "fr" });
    // 7 more, read by pages of 3 from the stored position: no gap, no copy.
    const more = Array.from({ length: 7 }, (_, i) => fake.mention("facebook", { author: `Citoyen ${i}`, text: `Quand vais-je recevoir mon avertissement-extrait de rôle ? (${i})`, inReplyTo: fbPost }));
    const before = fake.reads.length;
    await collect(3);
    const queries = fake.reads.slice(before).filter((r) => r.network === "facebook").map((r) => new URLSearchParams(r.query));
    expect(queries.length).toBeGreaterThanOrEqual(3);
    expect(queries[0]!.get("filter")).toBe("stream");
    expect(queries[0]!.get("order")).toBe("reverse_chronological");
    for (const id of more) expect(await messageOf(facebook.id, id)).toBeDefined();
    expect(await countOf(facebook.id)).toBe(8);
    await collect(3);
    expect(await countOf(facebook.id)).toBe(8);
    // A reply under Marie's comment joins her conversation.
    const followUp = fake.mention("facebook", { author: "Marie Dupont", text: "C'est réglé, merci.", inReplyTo: first });
    await collect();
    expect((await messageOf(facebook.id, followUp))?.conversation).toBe(stored!.conversation);
  });

  it("answers in the comment's thread once; after a lost answer, recovery finds the page's reply instead of sending it again", async () => {
    const id = fake.mention("facebook", { author: "Jan Peeters", text: "Bonjour, où trouver le formulaire pour les frais de garde ?", inReplyTo: fbPost });
    await collect();
    const conversation = (await messageOf(facebook.id, id))!.conversation;
    expect(await sendReply(ctx, responder, conversation, { text: "Bonjour, dans MyMinfin, rubrique Documents." })).toEqual({ ok: true, state: "sent" });
    expect(fake.posts.filter((p) => p.inReplyTo === id).map((p) => p.text)).toEqual(["Bonjour, dans MyMinfin, rubrique Documents."]);
    // The page's own answer is in the thread now: it is not collected as a citizen's message.
    const count = await countOf(facebook.id);
    await collect();
    expect(await countOf(facebook.id)).toBe(count);

    // The answer reached Meta but the process died before recording it.
    const lost = fake.mention("facebook", { author: "Anne Claes", text: "Bonjour, mon avertissement-extrait de rôle est-il disponible ?", inReplyTo: fbPost });
    await collect();
    const lostConversation = (await messageOf(facebook.id, lost))!.conversation;
    const message = await t.db.selectFrom("inbox_messages").select("id").where("remote_id", "=", lost).executeTakeFirstOrThrow();
    await startReply(t.db, { conversationId: lostConversation, messageId: message.id, authorId: responder.id, text: "Oui, dans votre eBox.", remoteKey: null, claimedBy: "dead-process", now: new Date(Date.now() - 10 * 60_000) });
    await fetch(`${fake.url}/facebook/${lost}/comments`, { method: "POST", body: new URLSearchParams({ message: "Oui, dans votre eBox.", access_token: "fb-token" }) });
    await recoverInboxReplies(ctx, { deps: deps(), leaseMs: 60_000 });
    const reply = await t.db.selectFrom("inbox_replies").select(["state", "remote_id"]).where("conversation_id", "=", lostConversation).executeTakeFirstOrThrow();
    expect(reply.state).toBe("sent");
    expect(fake.posts.filter((p) => p.inReplyTo === lost)).toHaveLength(1);
  });

  it("a refused read waits out the network's signal and shows on the channel's cursor", async () => {
    fake.failReads("facebook", { status: 400, body: { error: { message: "(#4) Application request limit reached", type: "OAuthException", code: 4 } } });
    const report = await collect();
    expect(report.failed).toBeGreaterThanOrEqual(1);
    const cursor = await t.db.selectFrom("inbox_cursors").select(["last_error_code", "not_before", "failures"]).where("channel_id", "=", facebook.id).executeTakeFirstOrThrow();
    expect(cursor).toMatchObject({ last_error_code: "rate_limited", failures: 1 });
    expect(cursor.not_before!.getTime()).toBeGreaterThan(Date.now());
    // It shows on the health page and at the top of the inbox.
    expect(await listeningTrouble(ctx)).toEqual([expect.objectContaining({ name: facebook.name, code: "rate_limited", term: null })]);
    await t.db.updateTable("inbox_cursors").set({ not_before: null }).where("channel_id", "=", facebook.id).execute();
  });
});

describe("the Facebook page webhook", () => {
  const sign = (body: string, secret = APP_SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const payload = (commentId: string, from: { id: string; name: string }, message: string) =>
    JSON.stringify({
      object: "page",
      entry: [{ id: "123", time: Math.floor(Date.now() / 1000), changes: [{ field: "feed", value: { item: "comment", verb: "add", comment_id: commentId, post_id: fbPost, parent_id: fbPost, message, from, created_time: Math.floor(Date.now() / 1000) } }] }],
    });

  it("answers Meta's subscription check only with the verify token", () => {
    const ok = verifyFacebookSubscription(ctx, new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444" }));
    expect(ok).toEqual({ status: 200, body: "1158201444" });
    expect(verifyFacebookSubscription(ctx, new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": "wrong-token-0000000", "hub.challenge": "1" })).status).toBe(403);
  });

  it("stores a signed comment at once; a forged one is refused; polling the same comment later stores nothing twice", async () => {
    const id = fake.mention("facebook", { author: "Pieter Janssens", text: "Goedemiddag, waar vind ik mijn aanslagbiljet?", inReplyTo: fbPost });
    const body = payload(id, { id: "psid-Pieter Janssens", name: "Pieter Janssens" }, "Goedemiddag, waar vind ik mijn aanslagbiljet?");
    expect(await receiveFacebookWebhook(ctx, body, sign(body, "not-the-secret"))).toEqual({ status: 401, stored: 0 });
    expect(await messageOf(facebook.id, id)).toBeUndefined();
    expect(await receiveFacebookWebhook(ctx, body, sign(body))).toEqual({ status: 200, stored: 1 });
    expect(await messageOf(facebook.id, id)).toMatchObject({ language: "nl", content_item_id: fbItem, citizen_handle: "Pieter Janssens (psid-Pieter Janssens)" });
    expect(await receiveFacebookWebhook(ctx, body, sign(body))).toEqual({ status: 200, stored: 0 });
    const count = await countOf(facebook.id);
    await collect();
    expect(await countOf(facebook.id)).toBe(count);
    // The page's own comment and other changes (likes, edits) are not messages.
    const own = payload(`${fbPost}_own`, { id: "123", name: "Cadence FR" }, "Bonjour !");
    expect(await receiveFacebookWebhook(ctx, own, sign(own))).toEqual({ status: 200, stored: 0 });
    expect(await receiveFacebookWebhook(ctx, "not json", sign("not json"))).toEqual({ status: 400, stored: 0 });
  });

  it("over HTTP: GET verification and a signed POST, without a session or an Origin", async () => {
    const server: RunningWebServer = await startTestServer(ctx);
    try {
      const check = await fetch(`${server.url}/webhooks/facebook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`);
      expect([check.status, await check.text()]).toEqual([200, "42"]);
      const id = fake.mention("facebook", { author: "Lotte Maes", text: "Goedemorgen, is de aangifte via tax-on-web al open voor dit jaar? Ik vind het formulier niet.", inReplyTo: fbPost });
      const body = payload(id, { id: "psid-Lotte Maes", name: "Lotte Maes" }, "Goedemorgen, is de aangifte via tax-on-web al open voor dit jaar? Ik vind het formulier niet.");
      const forged = await fetch(`${server.url}/webhooks/facebook`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sign(body, "forged") }, body });
      expect(forged.status).toBe(401);
      const signed = await fetch(`${server.url}/webhooks/facebook`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sign(body) }, body });
      expect(signed.status).toBe(200);
      expect(await messageOf(facebook.id, id)).toMatchObject({ language: "nl" });
    } finally {
      await server.close();
    }
  });
});

describe("LinkedIn comments", () => {
  it("reads the comments and their replies on the organisation's posts, leaves its own out, and answers under the comment once", async () => {
    const comment = fake.mention("linkedin", { author: "ACoAAB1", text: "Bonjour, les frais de garde d'enfants sont-ils toujours déductibles ?", inReplyTo: liPost });
    const many = Array.from({ length: 12 }, (_, i) => fake.mention("linkedin", { author: `ACoAAC${i}`, text: `Wanneer is de deadline voor de aangifte? (${i})`, inReplyTo: liPost }));
    await collect(5);
    expect(await messageOf(linkedin.id, comment)).toMatchObject({ content_item_id: liItem, citizen_handle: "urn:li:person:ACoAAB1", language: "fr" });
    for (const urn of many) expect(await messageOf(linkedin.id, urn)).toBeDefined();
    expect(await countOf(linkedin.id)).toBe(13);
    await collect(5);
    expect(await countOf(linkedin.id)).toBe(13);

    const conversation = (await messageOf(linkedin.id, comment))!.conversation;
    expect(await sendReply(ctx, responder, conversation, { text: "Oui, jusqu'à 14 ans, voir notre page sur les frais de garde." })).toEqual({ ok: true, state: "sent" });
    expect(fake.posts.filter((p) => p.inReplyTo === comment).map((p) => p.text)).toEqual(["Oui, jusqu'à 14 ans, voir notre page sur les frais de garde."]);
    // The citizen answers under the thread: a reply (read through the comment's own comments), in the same conversation.
    const reply = fake.mention("linkedin", { author: "ACoAAB1", text: "Merci beaucoup !", inReplyTo: comment });
    await collect(5);
    expect((await messageOf(linkedin.id, reply))?.conversation).toBe(conversation);
    // The organisation's own answer is not a citizen's message.
    expect(await countOf(linkedin.id)).toBe(14);
  });

  it("comments are read every 5 minutes, not at each one-minute round", async () => {
    const before = fake.reads.filter((r) => r.network === "linkedin").length;
    await collectInbox(ctx, { deps: deps() });
    expect(fake.reads.filter((r) => r.network === "linkedin").length).toBe(before);
  });

  it("a 429 waits until LinkedIn's daily limits reset at midnight UTC", async () => {
    fake.failReads("linkedin", { status: 429, body: { status: 429, message: "Resource level throttle APPLICATION DAY limit for calls to this resource is reached." } });
    await collect();
    const cursor = await t.db.selectFrom("inbox_cursors").select(["last_error_code", "not_before"]).where("channel_id", "=", linkedin.id).executeTakeFirstOrThrow();
    const now = new Date();
    expect(cursor.last_error_code).toBe("rate_limited");
    expect(cursor.not_before!.toISOString()).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString());
  });
});
