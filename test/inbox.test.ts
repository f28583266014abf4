import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppContext } from "../app/services/context.server";
import { actOnConversation, collectInbox, conversationView, decideReply, recoverInboxReplies, sendReply, suggestedAnswers } from "../app/services/inbox.server";
import { updateTeamSettings } from "../app/services/settings.server";
import { exportQuestionsJson, importQuestionsAs } from "../app/services/questions.server";
import { adapterDeps } from "../app/services/publishing.server";
import { responseDeadline } from "../app/domain/response-deadline";
import { startReply } from "../db/repositories/inbox";
import type { Channel, User } from "../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makeUser } from "./factories";
import { makeApiChannel } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";

/**
 * The inbox against the local Mastodon and Bluesky, which serve their notification APIs with the
 * real shapes and paging: collection and its resume, back-off on 429, threading, language routing,
 * deadlines, triage and answers sent exactly once.
 */
let t: TestDatabase;
let ctx: AppContext;
let fake: FakeNetworks;
let clock = new Date("2026-07-08T08:00:00Z");
let responder: User;
let colleague: User;
let editor: User;
let mastodon: Channel;
let bluesky: Channel;
let x: Channel;

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db, { now: () => clock });
  fake = await startFakeNetworks({ latencyMs: 30 });
  responder = await makeUser(t.db, ["responder"]);
  colleague = await makeUser(t.db, ["responder"]);
  editor = await makeUser(t.db, ["editor"]);
  mastodon = await makeApiChannel(ctx, "mastodon", "fr", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
  bluesky = await makeApiChannel(ctx, "bluesky", "bilingual", `${fake.url}/bluesky`, { identifier: "cadence.test", appPassword: "app-password" });
  x = await makeApiChannel(ctx, "x", "nl", `${fake.url}/x`, { accessToken: "x-token" });
});
afterAll(async () => {
  await fake?.close();
  await t?.drop();
});
beforeEach(() => {
  clock = new Date(clock.getTime() + 60_000);
});

const deps = () => adapterDeps(ctx, fetch);
const collect = (pageSize?: number) => collectInbox(ctx, { deps: deps(), pageSize });
const messageCount = async (channelId: string) => Number((await t.db.selectFrom("inbox_messages").select((eb) => eb.fn.countAll<string>().as("n")).where("channel_id", "=", channelId).executeTakeFirstOrThrow()).n);
const conversationOf = async (channelId: string, remoteId: string) =>
  (await t.db.selectFrom("inbox_messages").innerJoin("conversations", "conversations.id", "inbox_messages.conversation_id").selectAll("conversations").where("inbox_messages.channel_id", "=", channelId).where("remote_id", "=", remoteId).executeTakeFirstOrThrow());

describe("collecting what citizens write", () => {
  it("Mastodon: the first round reads the latest page; later rounds page forward from the stored position, without gap or copy", async () => {
    for (let i = 0; i < 3; i++) fake.mention("mastodon", { author: `citoyen${i}@fake.social`, text: `Bonjour, quand recevrai-je mon remboursement d'impôt ? (${i})` });
    expect(await collect()).toMatchObject({ collected: 3 });
    // 95 more arrive while Cadence is stopped: three pages of 40 at most.
    for (let i = 0; i < 95; i++) fake.mention("mastodon", { author: `burger${i}@fake.social`, text: `Wanneer krijg ik mijn terugbetaling van de belastingen? (${i})` });
    const before = fake.reads.length;
    expect(await collect()).toMatchObject({ collected: 95 });
    const queries = fake.reads.slice(before).filter((r) => r.network === "mastodon").map((r) => new URLSearchParams(r.query));
    expect(queries.length).toBe(3);
    expect(queries.every((q) => q.get("min_id") && q.getAll("types[]").includes("mention"))).toBe(true);
    expect(await messageCount(mastodon.id)).toBe(98);
    expect(await collect()).toMatchObject({ collected: 0 });
    expect(await messageCount(mastodon.id)).toBe(98);
  });

  it("Bluesky: pages back with the cursor until the stored position, mentions, replies and quotes only", async () => {
    fake.mention("bluesky", { author: "first.bsky.social", text: "Bonjour, le site MyMinfin est en panne depuis ce matin ?" });
    expect(await collect(10)).toMatchObject({ collected: 1 });
    for (let i = 0; i < 25; i++) fake.mention("bluesky", { author: `user${i}.bsky.social`, text: `Waar vind ik het formulier voor mijn aangifte? (${i})` });
    fake.mention("bluesky", { author: "fan.bsky.social", text: "", reason: "like" });
    const before = fake.reads.length;
    expect(await collect(10)).toMatchObject({ collected: 25 });
    const queries = fake.reads.slice(before).filter((r) => r.network === "bluesky").map((r) => new URLSearchParams(r.query));
    expect(queries.map((q) => q.get("cursor"))).toEqual([null, "10", "20"]);
    expect(queries[0]!.getAll("reasons")).toEqual(["mention", "reply", "quote"]);
    expect(await collect(10)).toMatchObject({ collected: 0 });
    expect(await messageCount(bluesky.id)).toBe(26);
  });

  it("X: mentions since the stored post id, newest first through next_token, authors from includes; answers in the thread, one per citizen", async () => {
    fake.mention("x", { author: "eerste", text: "Goedemiddag, is tax-on-web vandaag traag?" });
    expect(await collect(5)).toMatchObject({ collected: 1 });
    const ids = Array.from({ length: 12 }, (_, i) => fake.mention("x", { author: `burger${i}`, text: `Wanneer komt mijn aanslagbiljet? (${i})` }));
    const before = fake.reads.length;
    expect(await collect(5)).toMatchObject({ collected: 12 });
    const queries = fake.reads.slice(before).filter((r) => r.network === "x").map((r) => new URLSearchParams(r.query));
    expect(queries.map((q) => q.get("pagination_token"))).toEqual([null, "5", "10"]);
    expect(queries.every((q) => q.get("since_id") && q.get("expansions") === "author_id")).toBe(true);
    expect(await collect(5)).toMatchObject({ collected: 0 });
    // The same reference answer to two citizens: two posts, in their threads.
    for (const id of ids.slice(0, 2)) {
      const c = await conversationOf(x.id, id);
      expect(await sendReply(ctx, responder, c.id, { text: "Het aanslagbiljet komt in uw eBox." })).toEqual({ ok: true, state: "sent" });
    }
    expect(fake.posts.filter((p) => p.inReplyTo && ids.includes(p.inReplyTo)).map((p) => p.text)).toEqual(["@burger0 Het aanslagbiljet komt in uw eBox.", "@burger1 Het aanslagbiljet komt in uw eBox."]);
  });

  it("Bluesky: an expired access token is renewed with refreshSession, not a new session; new credentials get a new session", async () => {
    const before = { ...fake.blueskySessions };
    fake.mention("bluesky", { author: "expiry.bsky.social", text: "Bonjour, ma session MyMinfin expire tout le temps." });
    fake.expireBlueskyAccess();
    expect(await collect(10)).toMatchObject({ collected: 1 });
    expect(fake.blueskySessions).toEqual({ created: before.created, refreshed: before.refreshed + 1 });
    // Answering after another expiry: refreshed again, and the answer goes out once.
    const uri = fake.mention("bluesky", { author: "expiry2.bsky.social", text: "Waar vind ik mijn aanslagbiljet?" });
    await collect(10);
    fake.expireBlueskyAccess();
    expect(await sendReply(ctx, responder, (await conversationOf(bluesky.id, uri)).id, { text: "In uw eBox." })).toEqual({ ok: true, state: "sent" });
    expect(fake.blueskySessions).toEqual({ created: before.created, refreshed: before.refreshed + 2 });
    expect(fake.posts.filter((p) => p.inReplyTo === uri)).toHaveLength(1);
    // The channel's credentials change: the next call starts a session with them.
    const { encryptCredentials } = await import("../app/services/credentials-crypto.server");
    await t.db.updateTable("channels").set({ credentials_encrypted: encryptCredentials(ctx.config.credentialsKey, bluesky.id, JSON.stringify({ identifier: "cadence.test", appPassword: "new-app-password" })) }).where("id", "=", bluesky.id).execute();
    await collect(10);
    expect(fake.blueskySessions.created).toBe(before.created + 1);
  });

  it("a copy read again (a crash before the position was saved, or two collectors at once) is stored once", async () => {
    const id = fake.mention("mastodon", { author: "again@fake.social", text: "Est-ce que les frais de garde sont déductibles ?" });
    await t.db.updateTable("inbox_cursors").set({ position: null }).where("channel_id", "=", mastodon.id).execute();
    const [a, b] = await Promise.all([collect(), collect()]);
    expect(a.collected + b.collected).toBeLessThanOrEqual(1);
    await t.db.updateTable("inbox_cursors").set({ position: "1" }).where("channel_id", "=", mastodon.id).execute();
    await collect();
    expect(await t.db.selectFrom("inbox_messages").select("id").where("remote_id", "=", id).execute()).toHaveLength(1);
    expect(await t.db.selectFrom("conversations").select("id").where("citizen_handle", "=", "again@fake.social").execute()).toHaveLength(1);
  });

  it("a 429 waits for the network's reset before reading again; the health of each channel is kept", async () => {
    const reset = new Date(clock.getTime() + 10 * 60_000);
    fake.failReads("mastodon", { status: 429, body: { error: "Too many requests" }, headers: { "x-ratelimit-reset": reset.toISOString() } });
    fake.mention("mastodon", { author: "patient@fake.social", text: "Bonjour, j'attends toujours mon avertissement-extrait de rôle." });
    const refused = await collect();
    expect(refused.failed).toBe(1);
    const cursor = await t.db.selectFrom("inbox_cursors").selectAll().where("channel_id", "=", mastodon.id).executeTakeFirstOrThrow();
    expect(cursor).toMatchObject({ failures: 1, last_error_code: "rate_limited" });
    expect(cursor.not_before?.toISOString()).toBe(reset.toISOString());
    const reads = fake.reads.length;
    expect((await collect()).skipped).toBeGreaterThanOrEqual(1);
    expect(fake.reads.slice(reads).filter((r) => r.network === "mastodon")).toHaveLength(0);
    clock = new Date(reset.getTime() + 1_000);
    expect(await collect()).toMatchObject({ collected: 1 });
    expect(await t.db.selectFrom("inbox_cursors").select(["failures", "not_before"]).where("channel_id", "=", mastodon.id).executeTakeFirstOrThrow()).toEqual({ failures: 0, not_before: null });
  });
});

describe("conversations", () => {
  it("are routed by the message's language, due one business day later, and threaded with the citizen's earlier messages and the post they answer", async () => {
    const item = await t.db.selectFrom("content_items").select("id").executeTakeFirst();
    const postId = "999000";
    if (item) await t.db.insertInto("publications").values({ content_item_id: item.id, channel_id: mastodon.id, languages: "fr", due_at: clock, deadline_at: clock, state: "published", remote_id: postId } as never).execute();
    const written = new Date("2026-07-10T16:00:00Z"); // Friday 18:00 in Brussels
    const first = fake.mention("mastodon", { author: "jan@fake.social", text: "Goedemiddag, mijn eBox is leeg terwijl het aanslagbiljet er zou moeten in staan.", at: written });
    await collect();
    const conversation = await conversationOf(mastodon.id, first);
    expect(conversation.language).toBe("nl");
    expect(conversation.due_at.toISOString()).toBe(responseDeadline(written).toISOString());
    expect(conversation.due_at.toISOString()).toBe("2026-07-13T15:00:00.000Z"); // Monday 17:00
    const second = fake.mention("mastodon", { author: "jan@fake.social", text: "Ik heb ook al gebeld maar niemand neemt op." });
    await collect();
    expect((await conversationOf(mastodon.id, second)).id).toBe(conversation.id);
    if (item) {
      const answer = fake.mention("mastodon", { author: "marie@fake.social", text: "Merci pour cette publication, mais le lien ne fonctionne pas.", inReplyTo: postId });
      await collect();
      expect((await conversationOf(mastodon.id, answer)).content_item_id).toBe(item.id);
    }
  });
});

describe("answering", () => {
  it("sends the answer once, in the thread, and the conversation is answered with its first response time", async () => {
    const id = fake.mention("mastodon", { author: "sophie@fake.social", text: "Bonjour, comment activer mon eBox ?", visibility: "direct" });
    await collect();
    const conversation = await conversationOf(mastodon.id, id);
    expect(await sendReply(ctx, editor, conversation.id, { text: "Voici comment faire." })).toEqual({ ok: false, key: "error.forbidden.body" });
    const result = await sendReply(ctx, responder, conversation.id, { text: "Bonjour Sophie, vous l'activez dans MyMinfin, rubrique eBox." });
    expect(result).toEqual({ ok: true, state: "sent" });
    const sent = fake.posts.filter((p) => p.inReplyTo === id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ text: "@sophie@fake.social Bonjour Sophie, vous l'activez dans MyMinfin, rubrique eBox.", visibility: "direct" });
    const view = (await conversationView(ctx, conversation.id))!;
    expect(view.conversation).toMatchObject({ state: "answered" });
    expect(view.conversation.first_response_at?.toISOString()).toBe(clock.toISOString());
    expect(view.replies.map((r) => r.state)).toEqual(["sent"]);
    const audited = await t.db.selectFrom("audit_events").select(["action", "after"]).where("subject_id", "=", conversation.id).execute();
    expect(audited).toEqual([expect.objectContaining({ action: "conversation.reply_sent", after: expect.objectContaining({ text: "Bonjour Sophie, vous l'activez dans MyMinfin, rubrique eBox." }) as unknown })]);
  });

  it("two people answering the same conversation at once: one answer goes out, the other is told", async () => {
    const uri = fake.mention("bluesky", { author: "duo.bsky.social", text: "Bonjour, où trouver ma proposition de déclaration simplifiée ?" });
    await collect();
    const conversation = await conversationOf(bluesky.id, uri);
    // Both saw the conversation without an answer (the page sends the newest answer it showed: none).
    const results = await Promise.all([
      sendReply(ctx, responder, conversation.id, { text: "Dans MyMinfin, rubrique documents.", seenReply: "" }),
      sendReply(ctx, colleague, conversation.id, { text: "Dans votre eBox.", seenReply: "" }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, key: "inbox.error.replyInFlight" }]);
    expect(fake.posts.filter((p) => p.inReplyTo === uri)).toHaveLength(1);
    // However late the second one comes, once the first went out: it was written before the first was seen.
    expect(await sendReply(ctx, colleague, conversation.id, { text: "Dans votre eBox.", seenReply: "" })).toEqual({ ok: false, key: "inbox.error.replyInFlight" });
    // A follow-up by someone who saw the answer goes out.
    const [first] = await t.db.selectFrom("inbox_replies").select("id").where("conversation_id", "=", conversation.id).where("state", "=", "sent").execute();
    expect(await sendReply(ctx, colleague, conversation.id, { text: "Ou dans votre eBox.", seenReply: first!.id })).toEqual({ ok: true, state: "sent" });
    expect(fake.posts.filter((p) => p.inReplyTo === uri)).toHaveLength(2);
  });

  it("an answer cut off by a crash is settled by the recovery under the same key: never twice, never lost", async () => {
    // Bluesky: the process died before the call (the record key was stored, nothing sent).
    const uri = fake.mention("bluesky", { author: "crash.bsky.social", text: "Bonjour, je n'ai pas reçu mon remboursement." });
    // Mastodon: the call reached the network, the answer never came back.
    const statusId = fake.mention("mastodon", { author: "lost@fake.social", text: "Bonjour, mon code itsme ne fonctionne pas sur MyMinfin." });
    await collect();
    const onBluesky = await conversationOf(bluesky.id, uri);
    const message = await t.db.selectFrom("inbox_messages").select("id").where("remote_id", "=", uri).executeTakeFirstOrThrow();
    await startReply(t.db, { conversationId: onBluesky.id, messageId: message.id, authorId: responder.id, text: "Nous vérifions votre dossier.", remoteKey: "3kcrashrkey22", claimedBy: "reply-dead-process", now: clock });
    const onMastodon = await conversationOf(mastodon.id, statusId);
    fake.fail("mastodon", { status: 500, acceptThen: true });
    expect(await sendReply(ctx, responder, onMastodon.id, { text: "Essayez de réinstaller l'application itsme." })).toMatchObject({ ok: false, key: "inbox.error.replyFailed" });
    // A 500 after accepting: the retry under the same Idempotency-Key finds the status already made.
    await t.db.updateTable("inbox_replies").set({ state: "sending", claimed_by: "reply-dead-process" }).where("conversation_id", "=", onMastodon.id).execute();

    clock = new Date(clock.getTime() + 5 * 60_000);
    expect(await recoverInboxReplies(ctx, { deps: deps() })).toEqual({ recovered: 2 });
    expect(await recoverInboxReplies(ctx, { deps: deps() })).toEqual({ recovered: 0 });
    expect(fake.posts.filter((p) => p.inReplyTo === uri)).toHaveLength(1);
    expect(fake.posts.filter((p) => p.inReplyTo === statusId)).toHaveLength(1);
    expect(fake.duplicates()).toEqual([]);
    const states = await t.db.selectFrom("inbox_replies").select("state").where("conversation_id", "in", [onBluesky.id, onMastodon.id]).execute();
    expect(states.map((s) => s.state)).toEqual(["sent", "sent"]);
  });
});

describe("reference answers", () => {
  it("offers the answers of the questions a message is about, in the conversation's language, with the question's page", async () => {
    const question = {
      slug: "ebox-activate",
      fr: "Comment activer mon eBox ?",
      nl: "Hoe activeer ik mijn eBox?",
      keywords_fr: ["ebox"],
      keywords_nl: ["ebox"],
      url_nl: "https://financien.belgium.be/nl/ebox",
      answer_fr: "Activez votre eBox dans MyMinfin.",
      answer_nl: "Activeer uw eBox in MyMinfin.",
    };
    expect(await importQuestionsAs(ctx, { id: null, label: "test" }, { format: "json", content: JSON.stringify([question]) })).toMatchObject({ ok: true });
    const nl = await suggestedAnswers(ctx, { language: "nl" }, [{ text: "Hallo, mijn eBox blijft leeg, hoe zet ik die aan?" }]);
    expect(nl[0]).toEqual({ slug: "ebox-activate", label: "Hoe activeer ik mijn eBox?", answer: "Activeer uw eBox in MyMinfin. https://financien.belgium.be/nl/ebox" });
    const fr = await suggestedAnswers(ctx, { language: "fr" }, [{ text: "Bonjour, comment fonctionne l'eBox ?" }]);
    expect(fr[0]).toMatchObject({ slug: "ebox-activate", answer: "Activez votre eBox dans MyMinfin." });
    expect(await suggestedAnswers(ctx, { language: "other" }, [{ text: "Where is my eBox?" }])).toEqual([]);
    // An older file without the answer keys leaves the answers as they are.
    const { answer_fr: _fr, answer_nl: _nl, ...withoutAnswers } = question;
    await importQuestionsAs(ctx, { id: null, label: "test" }, { format: "json", content: JSON.stringify([{ ...withoutAnswers, fr: "Comment activer l'eBox ?" }]) });
    const exported = (JSON.parse(await exportQuestionsJson(ctx)) as { slug: string; fr: string; answer_fr: string | null }[]).find((q) => q.slug === "ebox-activate");
    expect(exported).toMatchObject({ fr: "Comment activer l'eBox ?", answer_fr: "Activez votre eBox dans MyMinfin." });
  });
});

describe("triage", () => {
  it("assign, wait, close with a reason, reopen, move to another queue, note: each audited; a stale version is refused; a message in its thread reopens a closed conversation", async () => {
    const id = fake.mention("mastodon", { author: "triage@fake.social", text: "Merci beaucoup pour votre aide !" });
    await collect();
    let c = await conversationOf(mastodon.id, id);
    expect(await actOnConversation(ctx, responder, c.id, { intent: "assign", assignee: "me", version: String(c.version) })).toEqual({ ok: true });
    expect(await actOnConversation(ctx, colleague, c.id, { intent: "wait", version: String(c.version) })).toEqual({ ok: false, key: "inbox.error.changed" });
    c = await conversationOf(mastodon.id, id);
    expect(c).toMatchObject({ state: "assigned", assignee_id: responder.id });
    expect(await actOnConversation(ctx, responder, c.id, { intent: "close", reason: "thanks", version: String(c.version) })).toEqual({ ok: true });
    c = await conversationOf(mastodon.id, id);
    expect(c).toMatchObject({ state: "closed", close_reason: "thanks" });
    expect(await actOnConversation(ctx, responder, c.id, { intent: "note", text: "Déjà remercié par téléphone." })).toEqual({ ok: true });
    expect(await actOnConversation(ctx, responder, c.id, { intent: "close", reason: "nonsense", version: String(c.version) })).toEqual({ ok: false, key: "inbox.error.invalid" });
    expect(await actOnConversation(ctx, editor, c.id, { intent: "reopen", version: String(c.version) })).toEqual({ ok: false, key: "error.forbidden.body" });
    // A message in the same thread reopens it; a message about something else starts a new one.
    const other = fake.mention("mastodon", { author: "triage@fake.social", text: "Autre chose : le site est-il en maintenance ce soir ?" });
    fake.mention("mastodon", { author: "triage@fake.social", text: "En fait j'ai encore une question sur ma déclaration.", inReplyTo: id });
    await collect();
    c = await conversationOf(mastodon.id, id);
    expect(c).toMatchObject({ state: "assigned", close_reason: null, closed_at: null });
    expect((await conversationOf(mastodon.id, other)).id).not.toBe(c.id);
    expect(await actOnConversation(ctx, responder, c.id, { intent: "language", language: "nl", version: String(c.version) })).toEqual({ ok: true });
    const actions = await t.db.selectFrom("audit_events").select("action").where("subject_id", "=", c.id).orderBy("id").execute();
    expect(actions.map((a) => a.action)).toEqual(["conversation.assign", "conversation.close", "conversation.noted", "conversation.language"]);
  });
});

describe("answers that need a second approval", () => {
  it("an answer with a sensitive word waits; its author cannot approve it; nothing else goes out meanwhile; another person approves and it is sent once; every step audited", async () => {
    const admin = await makeUser(t.db, ["admin"]);
    const approver = await makeUser(t.db, ["approver"]);
    expect(await updateTeamSettings(ctx, admin, { bilingualOrder: "fr-nl", translationDeadlineDays: "2", replyApprovalWords: "plainte, médiateur\nklacht", replyApprovalChannels: [x.id] })).toEqual({ ok: true });
    const id = fake.mention("mastodon", { author: "fache@fake.social", text: "Je vais porter plainte, personne ne répond à mes courriers !" });
    await collect();
    const conversation = await conversationOf(mastodon.id, id);
    const text = "Bonjour, vous pouvez vous adresser au Médiateur fédéral si notre réponse ne vous satisfait pas.";
    expect(await sendReply(ctx, responder, conversation.id, { text })).toEqual({ ok: true, state: "awaiting_approval" });
    expect(fake.posts.filter((p) => p.inReplyTo === id)).toHaveLength(0);
    const waiting = (await conversationView(ctx, conversation.id))!.awaiting!;
    expect(waiting).toMatchObject({ authorId: responder.id, text, reasons: ["médiateur"] });
    // Nobody sends another answer beside it; its author cannot approve it; an editor may not decide.
    expect(await sendReply(ctx, colleague, conversation.id, { text: "Bonjour, nous regardons." })).toEqual({ ok: false, key: "inbox.error.approvalPending" });
    expect(await decideReply(ctx, responder, conversation.id, { decision: "approve", reply: waiting.id })).toEqual({ ok: false, key: "inbox.error.ownReply" });
    expect(await decideReply(ctx, editor, conversation.id, { decision: "approve", reply: waiting.id })).toEqual({ ok: false, key: "error.forbidden.body" });
    expect(await decideReply(ctx, approver, conversation.id, { decision: "approve", reply: waiting.id })).toEqual({ ok: true, state: "sent" });
    expect(fake.posts.filter((p) => p.inReplyTo === id).map((p) => p.text)).toEqual([`@fache@fake.social ${text}`]);
    expect(await decideReply(ctx, colleague, conversation.id, { decision: "approve", reply: waiting.id })).toEqual({ ok: false, key: "inbox.error.decided" });
    expect((await conversationView(ctx, conversation.id))!.conversation.state).toBe("answered");
    const audited = await t.db.selectFrom("audit_events").select(["action", "actor_id"]).where("subject_id", "=", conversation.id).orderBy("id").execute();
    expect(audited).toEqual([
      { action: "conversation.reply_submitted", actor_id: responder.id },
      { action: "conversation.reply_approved", actor_id: approver.id },
      { action: "conversation.reply_sent", actor_id: approver.id },
    ]);
  });

  it("on a chosen channel every answer waits; turned down with a reason, it is never sent and its author can write another", async () => {
    const id = fake.mention("x", { author: "journalist", text: "Goedemiddag, klopt het dat de aangifte dit jaar later opent?" });
    await collect();
    const conversation = await conversationOf(x.id, id);
    expect(await sendReply(ctx, responder, conversation.id, { text: "Neen, de aangifte opent zoals elk jaar." })).toEqual({ ok: true, state: "awaiting_approval" });
    const waiting = (await conversationView(ctx, conversation.id))!.awaiting!;
    expect(waiting.reasons).toEqual(["channel"]);
    expect(await decideReply(ctx, colleague, conversation.id, { decision: "reject", reply: waiting.id, note: "Eerst met de woordvoerder afstemmen." })).toEqual({ ok: true, state: "rejected" });
    expect(fake.posts.filter((p) => p.inReplyTo === id)).toHaveLength(0);
    const view = (await conversationView(ctx, conversation.id))!;
    expect(view.awaiting).toBeNull();
    expect(view.thread.find((m) => m.ours)).toMatchObject({ state: "rejected", note: "Eerst met de woordvoerder afstemmen." });
    expect(await sendReply(ctx, responder, conversation.id, { text: "Goedemiddag, de aangifte opent op de gebruikelijke datum." })).toEqual({ ok: true, state: "awaiting_approval" });
  });
});
