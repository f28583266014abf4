import { createHash, randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import { DateTime } from "luxon";
import { z } from "zod";
import { findChannelById as findChannel } from "../../db/repositories/channels";
import {
  conversationsGotMessages,
  conversationsOfRemotes,
  existingRemoteIds,
  insertConversations,
  insertInboxMessages,
  itemsPublishedAs,
  openConversationsOf,
  conversationsForReport,
  addOverdueAlerts,
  clearReplying,
  markReplying,
  replyingNow,
  alertsToEmail,
  conversationsOfCitizen,
  dismissAlert,
  markAlertEmailed,
  openAlertsOf,
  hourlyMessageCounts,
  latestMessages,
  deleteMessagesBy,
  purgeConversations,
  conversationMessages,
  conversationNotes,
  conversationReplies,
  findConversation,
  finishReply,
  insertNote,
  latestIncoming,
  listCollectableChannels,
  listConversations,
  lockChannelCollection,
  markConversationAnswered,
  queueCounts,
  recentRemotePosts,
  saveCursor,
  startReply,
  submitReply,
  findAwaitingReply,
  approveAwaitingReply,
  rejectAwaitingReply,
  awaitingReplyOf,
  sideQueueCounts,
  failingWatches,
  promoteWatchedConversations,
  takeOverStuckReplies,
  updateConversation,
} from "../../db/repositories/inbox";
import type { Db } from "../../db/client";
import type { Channel, ConversationLanguage, InboxMessage, InboxReply, User } from "../../db/schema";
import { adapterFor } from "../channels/registry.server";
import type { AdapterDeps, AdapterNetwork, CollectOutcome, IncomingMessage, PublishInput, PublishOutcome } from "../channels/types";
import { toCsv, type CsvSeparator } from "../domain/csv";
import { messageLanguage } from "../domain/message-language";
import { responseTimeStats, type ResponseStats } from "../domain/response-times";
import { can } from "../domain/permissions";
import { responseDeadline } from "../domain/response-deadline";
import { detectSurge } from "../domain/surge";
import { triagePatch } from "../domain/conversation-triage";
import { approvalReasons } from "../domain/reply-approval";
import { teamSettings } from "./settings.server";
import { isUiLanguage, translator, type MessageKey } from "../i18n";
import { BRUSSELS_ZONE, brusselsMonthRange } from "../domain/time/brussels";
import { actorOf, audit } from "./audit.server";
import { questionsAbout } from "./questions.server";
import type { AppContext } from "./context.server";
import { adapterChannel, adapterDeps, CLAIM_LEASE_MS } from "./publishing.server";

/** Networks whose adapters can read what people address to a channel. */
export const COLLECTING_NETWORKS: readonly AdapterNetwork[] = (["mastodon", "bluesky", "x", "facebook", "linkedin"] as const).filter((n) => adapterFor(n).collect !== undefined);

const PAGE_SIZE: Record<string, number> = { mastodon: 40, bluesky: 50, facebook: 100, linkedin: 50 };
const MAX_PAGES = 10;
/**
 * Comments are read on the posts of the last 28 days, at most 25 of them a round, every 5 minutes
 * (one call per post: each minute would spend LinkedIn's daily quota; Facebook's webhook brings
 * comments at once when it is set up).
 */
const COMMENTED_POSTS_DAYS = 28;
const COMMENTED_POSTS_MAX = 25;
const COMMENTS_EVERY_MS = 5 * 60_000;

/** After a refusal without the network's own signal: 30 s, 1 min, 2 min… at most 30 min. */
export function collectBackoff(now: Date, failures: number): Date {
  return new Date(now.getTime() + Math.min(30_000 * 2 ** Math.max(0, failures - 1), 30 * 60_000));
}

/** Where a read stands after the network refused it: same position, the next try by its signal or the back-off. */
export function refusedCursor(position: string | null, now: Date, failures: number, outcome: Exclude<CollectOutcome, { kind: "ok" }>) {
  return {
    position,
    polledAt: now,
    notBefore: outcome.kind === "retry" ? (outcome.notBefore ?? collectBackoff(now, failures)) : collectBackoff(now, failures),
    failures,
    errorCode: outcome.code,
    error: outcome.detail.slice(0, 300),
  };
}

export interface CollectReport {
  channels: number;
  collected: number;
  skipped: number;
  failed: number;
}

/**
 * One collection round: every active channel of a network that can be read, unless it is waiting
 * out a refusal or another process is collecting it. The new messages and the channel's new
 * position are saved in one transaction, so a crash collects them again and their unique key drops
 * the copies: no gap, no duplicate. Citizens' words are never logged.
 */
export async function collectInbox(ctx: AppContext, options: { deps?: AdapterDeps; pageSize?: number; commentsEveryMs?: number } = {}): Promise<CollectReport> {
  const commentsEvery = options.commentsEveryMs ?? COMMENTS_EVERY_MS;
  const deps = options.deps ?? adapterDeps(ctx);
  const report: CollectReport = { channels: 0, collected: 0, skipped: 0, failed: 0 };
  for (const cursor of await listCollectableChannels(ctx.db, COLLECTING_NETWORKS)) {
    const now = ctx.now();
    const readsComments = cursor.channel.network === "facebook" || cursor.channel.network === "linkedin";
    if ((cursor.notBefore && cursor.notBefore > now) || (readsComments && cursor.polledAt && cursor.failures === 0 && now.getTime() - cursor.polledAt.getTime() < commentsEvery)) {
      report.skipped++;
      continue;
    }
    report.channels++;
    const channel = cursor.channel;
    const adapter = adapterFor(channel.network);
    let outcome: CollectOutcome;
    try {
      const recentPosts = channel.network === "facebook" || channel.network === "linkedin" ? await recentRemotePosts(ctx.db, channel.id, new Date(now.getTime() - COMMENTED_POSTS_DAYS * 86_400_000), COMMENTED_POSTS_MAX) : [];
      outcome = await adapter.collect!(adapterChannel(ctx, channel), cursor.position, deps, { pageSize: options.pageSize ?? PAGE_SIZE[channel.network] ?? 40, maxPages: MAX_PAGES, recentPosts });
    } catch (error) {
      outcome = { kind: "retry", code: "network.server", detail: error instanceof Error ? error.message : String(error) };
    }
    if (outcome.kind !== "ok") {
      report.failed++;
      const failures = cursor.failures + 1;
      ctx.log.warn("inbox collection refused", { channel: channel.id, network: channel.network, code: outcome.code, failures });
      await saveCursor(ctx.db, channel.id, refusedCursor(cursor.position, now, failures, outcome));
      continue;
    }
    const saved = await ctx.db.transaction().execute(async (tx) => {
      if (!(await lockChannelCollection(tx, channel.id))) return -1;
      const count = await storeMessages(tx, channel, outcome.messages);
      await saveCursor(tx, channel.id, { position: outcome.position, polledAt: now, notBefore: outcome.notBefore ?? null, failures: 0, errorCode: null, error: null });
      return count;
    });
    if (saved < 0) report.skipped++;
    else report.collected += saved;
  }
  return report;
}

/**
 * Threads and stores one round's messages, oldest first, in a few set-based statements: a message
 * joins the conversation of the message it answers (stored before, or earlier in this round), else
 * its author's open conversation, else a new one (linked to the Cadence post it answers).
 */
export async function storeMessages(db: Db, channel: Channel, incoming: readonly IncomingMessage[], origin: "addressed" | "watch" = "addressed"): Promise<number> {
  const known = await existingRemoteIds(db, channel.id, incoming.map((m) => m.remoteId));
  const fresh = incoming.filter((m) => !known.has(m.remoteId) && known.add(m.remoteId));
  if (fresh.length === 0) return 0;
  const answered = [...new Set(fresh.flatMap((m) => (m.inReplyToRemoteId ? [m.inReplyToRemoteId] : [])))];
  const [viaReply, open, items] = await Promise.all([
    conversationsOfRemotes(db, channel.id, answered),
    openConversationsOf(db, channel.id, [...new Set(fresh.map((m) => m.authorHandle))]),
    itemsPublishedAs(db, channel.id, answered),
  ]);
  // Decide each message's conversation in order; new ones are made together, then filled in.
  const byRemote = new Map<string, string | { newFor: string }>();
  for (const [remote, c] of viaReply) byRemote.set(remote, c.id);
  const byCitizen = new Map<string, string | { newFor: string }>([...open].map(([handle, c]) => [handle, c.id]));
  const toCreate = new Map<string, { channelId: string; citizenHandle: string; contentItemId: string | null; language: ConversationLanguage; at: Date; dueAt: Date; origin: "addressed" | "watch" }>();
  const languageOf = new Map<string, ConversationLanguage>([...viaReply.values(), ...open.values()].map((c) => [c.id, c.language]));
  const planned = fresh.map((m) => {
    let target = (m.inReplyToRemoteId ? byRemote.get(m.inReplyToRemoteId) : undefined) ?? byCitizen.get(m.authorHandle);
    // A message that starts a conversation decides its queue; the next ones are read there.
    const language = (typeof target === "string" ? languageOf.get(target) : undefined) ?? messageLanguage(m.text, channel.language);
    let dueAt: Date | null = null;
    if (!target) {
      target = { newFor: m.authorHandle };
      dueAt = responseDeadline(m.writtenAt);
      toCreate.set(m.authorHandle, { channelId: channel.id, citizenHandle: m.authorHandle, contentItemId: m.inReplyToRemoteId ? (items.get(m.inReplyToRemoteId) ?? null) : null, language, at: m.writtenAt, dueAt, origin });
      byCitizen.set(m.authorHandle, target);
    }
    byRemote.set(m.remoteId, target);
    return { m, language, dueAt, target };
  });
  const created = await insertConversations(db, [...toCreate.values()]);
  const idOf = (target: string | { newFor: string }) => (typeof target === "string" ? target : created.get(target.newFor)!.id);
  const rows = planned.map((p) => ({ ...p.m, conversationId: idOf(p.target), channelId: channel.id, language: p.language }));
  const stored = await insertInboxMessages(db, rows);
  // Each conversation's newest message, and the deadline its first new message sets if it reopens.
  const touched = new Map<string, { id: string; at: Date; dueAt: Date }>();
  for (const p of planned) {
    const id = idOf(p.target);
    const seen = touched.get(id);
    // The deadline a conversation gets if it reopens (it was answered or closed): from its first new message.
    if (!seen) touched.set(id, { id, at: p.m.writtenAt, dueAt: p.dueAt ?? responseDeadline(p.m.writtenAt) });
    else if (p.m.writtenAt > seen.at) seen.at = p.m.writtenAt;
  }
  await conversationsGotMessages(db, [...touched.values()]);
  // A citizen found by a watch who then writes to us is in the language queue from then on, due from that message.
  if (origin === "addressed") await promoteWatchedConversations(db, [...touched.values()]);
  return stored;
}

export type InboxQueue = "fr" | "nl" | "other" | "mine" | "closed" | "approval" | "watch";

/** The inbox's page: one queue, by deadline, with every queue's counts. */
export async function inboxPage(ctx: AppContext, user: User, queue: InboxQueue, page: number) {
  const limit = 50;
  // The language queues and "mine" hold what was addressed to us; watches have their own queue.
  const filter =
    queue === "closed"
      ? { language: null, open: false, assigneeId: null }
      : queue === "mine"
        ? { language: null, open: true, assigneeId: user.id, origin: "addressed" as const }
        : queue === "approval"
          ? { language: null, open: true, assigneeId: null, awaitingApproval: true }
          : queue === "watch"
            ? { language: null, open: true, assigneeId: null, origin: "watch" as const }
            : { language: queue, open: true, assigneeId: null, origin: "addressed" as const };
  const [rows, counts, side, channels] = await Promise.all([listConversations(ctx.db, filter, limit + 1, page * limit), queueCounts(ctx.db, ctx.now()), sideQueueCounts(ctx.db), listCollectableChannels(ctx.db, COLLECTING_NETWORKS)]);
  return {
    rows: rows.slice(0, limit),
    more: rows.length > limit,
    counts,
    side,
    // A network that refuses shows on the inbox and on the health page.
    troubled: await listeningTrouble(ctx, channels),
  };
}

/** The channels whose collection or keyword watch the network refuses now: name, code, next try. */
export async function listeningTrouble(ctx: AppContext, collectable?: Awaited<ReturnType<typeof listCollectableChannels>>) {
  const channels = collectable ?? (await listCollectableChannels(ctx.db, COLLECTING_NETWORKS));
  const watches = await failingWatches(ctx.db);
  return [
    ...channels.filter((c) => c.failures > 0).map((c) => ({ name: c.channel.name, code: c.lastErrorCode, since: c.polledAt, retryAt: c.notBefore, term: null as string | null })),
    ...watches.map((w) => ({ name: w.name, code: w.last_error_code, since: w.polled_at, retryAt: w.not_before, term: w.term })),
  ];
}

export async function conversationView(ctx: AppContext, id: string) {
  const conversation = await findConversation(ctx.db, id);
  if (!conversation) return null;
  const [messages, replies, notes] = await Promise.all([conversationMessages(ctx.db, id), conversationReplies(ctx.db, id), conversationNotes(ctx.db, id)]);
  // The citizen's messages and our answers, in the order they were written.
  const thread = [
    ...messages.map((m) => ({ key: `m-${m.id}`, ours: false, who: m.author_handle, at: m.written_at, text: m.text, state: null, error: null, note: null })),
    ...replies.map((r) => ({ key: `r-${r.id}`, ours: true, who: r.author_name, at: r.sent_at ?? r.created_at, text: r.text, state: r.state, error: r.error, note: r.decision_note })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  // The answer waiting for a second approval, if any: who wrote it and why it waits.
  const awaiting = replies.find((r) => r.state === "awaiting_approval");
  return { conversation, messages, replies, notes, thread, awaiting: awaiting ? { id: awaiting.id, authorId: awaiting.author_id, author: awaiting.author_name, text: awaiting.text, reasons: awaiting.approval_reasons ?? [] } : null };
}

/**
 * The reference answers that may fit a conversation: the tagging engine's best questions for what
 * the citizen wrote, in the conversation's language, each with its answer and its page's link.
 */
export async function suggestedAnswers(ctx: AppContext, conversation: { language: ConversationLanguage }, messages: readonly { text: string }[]) {
  if (conversation.language === "other") return [];
  const lang = conversation.language;
  const text = messages.slice(-3).map((m) => m.text).join("\n");
  return (await questionsAbout(ctx, text, lang)).slice(0, 3).map((q) => {
    const answer = lang === "fr" ? q.answer_fr : q.answer_nl;
    const link = lang === "fr" ? q.url_fr : q.url_nl;
    return { slug: q.slug, label: lang === "fr" ? q.label_fr : q.label_nl, answer: answer ? (link && !answer.includes(link) ? `${answer} ${link}` : answer) : null };
  });
}

export type InboxResult = { ok: true } | { ok: false; key: MessageKey };

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("assign"), version: z.coerce.number().int(), assignee: z.enum(["me", "nobody"]) }),
  z.object({ intent: z.literal("wait"), version: z.coerce.number().int() }),
  z.object({ intent: z.literal("close"), version: z.coerce.number().int(), reason: z.enum(["spam", "thanks", "off_topic", "handled_elsewhere"]) }),
  z.object({ intent: z.literal("reopen"), version: z.coerce.number().int() }),
  z.object({ intent: z.literal("language"), version: z.coerce.number().int(), language: z.enum(["fr", "nl", "other"]) }),
  z.object({ intent: z.literal("note"), text: z.string().trim().min(1).max(2000) }),
]);

/** Triage: assign, wait for an internal answer, close with a reason, reopen, move to another language's queue, or note. Audited. */
export async function actOnConversation(ctx: AppContext, user: User, id: string, input: unknown): Promise<InboxResult> {
  if (!can(user.roles, "inbox.answer")) return { ok: false, key: "error.forbidden.body" };
  const parsed = actionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, key: "inbox.error.invalid" };
  const conversation = await findConversation(ctx.db, id);
  if (!conversation) return { ok: false, key: "api.error.notFound" };
  const a = parsed.data;
  return await ctx.db.transaction().execute(async (tx): Promise<InboxResult> => {
    if (a.intent === "note") {
      await insertNote(tx, id, user.id, a.text);
      await audit(tx, actorOf(user), { action: "conversation.noted", subjectType: "conversation", subjectId: id, after: { length: a.text.length } });
      return { ok: true };
    }
    const patch = triagePatch(conversation, a, user.id, ctx.now());
    if (!patch) return { ok: false, key: "inbox.error.state" };
    const updated = await updateConversation(tx, id, a.version, patch);
    if (!updated) return { ok: false, key: "inbox.error.changed" };
    await audit(tx, actorOf(user), {
      action: `conversation.${a.intent}`,
      subjectType: "conversation",
      subjectId: id,
      before: { state: conversation.state, assignee: conversation.assignee_id, language: conversation.language },
      after: { state: updated.state, assignee: updated.assignee_id, language: updated.language, closeReason: updated.close_reason },
    });
    return { ok: true };
  });
}

const replySchema = z.object({
  text: z.string().trim().min(1).max(500),
  // The answer the person saw last on the page ("" for none): an answer sent since refuses theirs.
  seenReply: z.union([z.literal(""), z.string().uuid()]).optional(),
});

function replyInput(conversation: { id: string; language: ConversationLanguage }, reply: InboxReply, message: InboxMessage, channel: PublishInput["channel"]): PublishInput {
  return {
    publicationId: reply.id,
    idempotencyKey: reply.idempotency_key,
    remoteKey: reply.remote_key,
    channel,
    text: reply.text,
    link: null,
    languages: conversation.language === "other" ? [] : [conversation.language],
    dueAt: reply.created_at,
    itemId: conversation.id,
    replyTo: { remoteId: message.remote_id, remoteCid: message.remote_cid, rootRemoteId: message.root_remote_id, rootRemoteCid: message.root_remote_cid, authorHandle: message.author_handle, visibility: message.visibility },
  };
}

async function recordReplyOutcome(ctx: AppContext, reply: InboxReply, claimedBy: string, outcome: PublishOutcome, actor: { id: string | null; label: string }): Promise<"sent" | "failed" | "unconfirmed" | "lost"> {
  const now = ctx.now();
  return await ctx.db.transaction().execute(async (tx) => {
    const state = outcome.kind === "published" ? "sent" : outcome.kind === "unknown" ? "unconfirmed" : "failed";
    const recorded = await finishReply(tx, reply.id, claimedBy, {
      state,
      remoteId: outcome.kind === "published" ? outcome.remoteId : null,
      remoteUrl: outcome.kind === "published" ? outcome.remoteUrl : null,
      errorCode: outcome.kind === "published" ? null : outcome.code,
      error: outcome.kind === "published" ? null : outcome.detail.slice(0, 500),
      sentAt: outcome.kind === "published" ? now : null,
    });
    if (!recorded) return "lost";
    if (state === "sent") await markConversationAnswered(tx, reply.conversation_id, now);
    // The exact text sent, for the archive and the audit trail.
    await audit(tx, actor, {
      action: `conversation.reply_${state}`,
      subjectType: "conversation",
      subjectId: reply.conversation_id,
      after: { reply: reply.id, text: reply.text, remoteId: outcome.kind === "published" ? outcome.remoteId : null, errorCode: outcome.kind === "published" ? null : outcome.code },
    });
    return state;
  });
}

/**
 * Answers the citizen's latest message through the channel's adapter, exactly once: the reply is
 * stored as "sending" with its idempotency key (and Bluesky's record key) before the call; a
 * second reply while one is on its way is refused by the database; the outcome is recorded only by
 * the claim's owner; a process that dies mid-call leaves the reply to `recoverInboxReplies`.
 */
export async function sendReply(ctx: AppContext, user: User, conversationId: string, input: unknown, options: { deps?: AdapterDeps } = {}): Promise<InboxResult & { state?: string }> {
  if (!can(user.roles, "inbox.answer")) return { ok: false, key: "error.forbidden.body" };
  const parsed = replySchema.safeParse(input);
  if (!parsed.success) return { ok: false, key: "inbox.error.replyText" };
  const conversation = await findConversation(ctx.db, conversationId);
  if (!conversation) return { ok: false, key: "api.error.notFound" };
  if (conversation.state === "closed") return { ok: false, key: "inbox.error.state" };
  const [message, channel, settings, awaiting] = await Promise.all([latestIncoming(ctx.db, conversationId), findChannel(ctx.db, conversation.channel_id), teamSettings(ctx.db), awaitingReplyOf(ctx.db, conversationId)]);
  if (!message || !channel) return { ok: false, key: "api.error.notFound" };
  // One answer at a time: while one waits for approval, nobody sends another beside it.
  if (awaiting) return { ok: false, key: "inbox.error.approvalPending" };
  const reasons = approvalReasons(parsed.data.text, channel.id, { words: settings.replyApprovalWords, channelIds: settings.replyApprovalChannels });
  if (reasons.length > 0) {
    // A sensitive answer waits for a second person; the exact text submitted is audited.
    const submitted = await ctx.db.transaction().execute(async (tx) => {
      const row = await submitReply(tx, { conversationId, messageId: message.id, authorId: user.id, text: parsed.data.text, reasons });
      if (row) await audit(tx, actorOf(user), { action: "conversation.reply_submitted", subjectType: "conversation", subjectId: conversationId, after: { reply: row.id, text: row.text, reasons } });
      return row;
    });
    if (!submitted) return { ok: false, key: "inbox.error.approvalPending" };
    await clearReplying(ctx.db, conversationId, user.id);
    return { ok: true, state: "awaiting_approval" };
  }
  const adapter = adapterFor(channel.network);
  const claimedBy = `reply-${process.pid}-${randomUUID().slice(0, 8)}`;
  const started = await startReply(ctx.db, {
    conversationId,
    messageId: message.id,
    authorId: user.id,
    text: parsed.data.text,
    remoteKey: adapter.prepare?.({ remoteKey: null }).remoteKey ?? null,
    claimedBy,
    now: ctx.now(),
    seenReplyId: parsed.data.seenReply === undefined ? undefined : parsed.data.seenReply || null,
  });
  if (!started) return { ok: false, key: "inbox.error.replyInFlight" };
  return await sendStarted(ctx, user, conversation, started, message, channel, claimedBy, options.deps);
}

/** The network call of an answer claimed for sending, and its outcome recorded by the claim's owner. */
async function sendStarted(ctx: AppContext, user: User, conversation: { id: string; language: ConversationLanguage }, reply: InboxReply, message: InboxMessage, channel: Channel, claimedBy: string, deps?: AdapterDeps): Promise<InboxResult & { state?: string }> {
  let outcome: PublishOutcome;
  try {
    outcome = await adapterFor(channel.network).publish(replyInput(conversation, reply, message, adapterChannel(ctx, channel)), deps ?? adapterDeps(ctx));
  } catch (error) {
    outcome = { kind: "unknown", code: "outcome_unknown", detail: error instanceof Error ? error.message : String(error) };
  }
  const state = await recordReplyOutcome(ctx, reply, claimedBy, outcome, actorOf(user));
  if (state === "sent") {
    await clearReplying(ctx.db, conversation.id, user.id);
    return { ok: true, state };
  }
  return { ok: false, key: state === "unconfirmed" ? "inbox.error.replyUnknown" : "inbox.error.replyFailed", state };
}

const decisionSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("approve"), reply: z.string().uuid() }),
  z.object({ decision: z.literal("reject"), reply: z.string().uuid(), note: z.string().trim().max(500).optional() }),
]);

/**
 * The second person's decision on an answer that waits for approval: approved, it goes out at once
 * with the same guarantees as any answer (exactly the text that was approved); rejected, it stays
 * in the conversation's history with the reason, and its author can write another. The author
 * cannot decide on their own answer. Both are audited.
 */
export async function decideReply(ctx: AppContext, user: User, conversationId: string, input: unknown, options: { deps?: AdapterDeps } = {}): Promise<InboxResult & { state?: string }> {
  if (!can(user.roles, "inbox.approveReply")) return { ok: false, key: "error.forbidden.body" };
  const parsed = decisionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, key: "inbox.error.invalid" };
  const d = parsed.data;
  const reply = await findAwaitingReply(ctx.db, conversationId, d.reply);
  if (!reply) return { ok: false, key: "inbox.error.decided" };
  if (reply.author_id === user.id) return { ok: false, key: "inbox.error.ownReply" };
  const now = ctx.now();
  if (d.decision === "reject") {
    const rejected = await ctx.db.transaction().execute(async (tx) => {
      const row = await rejectAwaitingReply(tx, { replyId: reply.id, deciderId: user.id, note: d.note || null, now });
      if (row) await audit(tx, actorOf(user), { action: "conversation.reply_rejected", subjectType: "conversation", subjectId: conversationId, after: { reply: row.id, note: row.decision_note } });
      return row;
    });
    return rejected ? { ok: true, state: "rejected" } : { ok: false, key: "inbox.error.decided" };
  }
  const [conversation, message] = await Promise.all([findConversation(ctx.db, conversationId), conversationMessages(ctx.db, conversationId).then((ms) => ms.find((m) => m.id === reply.message_id))]);
  const channel = conversation ? await findChannel(ctx.db, conversation.channel_id) : undefined;
  if (!conversation || !message || !channel) return { ok: false, key: "api.error.notFound" };
  if (conversation.state === "closed") return { ok: false, key: "inbox.error.state" };
  const claimedBy = `reply-${process.pid}-${randomUUID().slice(0, 8)}`;
  const started = await ctx.db.transaction().execute(async (tx) => {
    const row = await approveAwaitingReply(tx, { replyId: reply.id, deciderId: user.id, remoteKey: adapterFor(channel.network).prepare?.({ remoteKey: null }).remoteKey ?? null, claimedBy, now });
    if (row) await audit(tx, actorOf(user), { action: "conversation.reply_approved", subjectType: "conversation", subjectId: conversationId, after: { reply: row.id, text: row.text, author: row.author_id } });
    return row;
  });
  if (!started) return { ok: false, key: "inbox.error.replyInFlight" };
  return await sendStarted(ctx, user, conversation, started, message, channel, claimedBy, options.deps);
}

/**
 * Settles replies left "sending" by a process that died: where the network can say (Mastodon's
 * idempotency key within its hour, Bluesky's record key), the reply is found or sent again under
 * the same key; otherwise it becomes "unconfirmed" for a person to check.
 */
export async function recoverInboxReplies(ctx: AppContext, options: { deps?: AdapterDeps; leaseMs?: number } = {}): Promise<{ recovered: number }> {
  const deps = options.deps ?? adapterDeps(ctx);
  const me = `reply-recovery-${process.pid}-${randomUUID().slice(0, 8)}`;
  const stuck = await takeOverStuckReplies(ctx.db, new Date(ctx.now().getTime() - (options.leaseMs ?? CLAIM_LEASE_MS)), me, ctx.now());
  for (const reply of stuck) {
    const conversation = await findConversation(ctx.db, reply.conversation_id);
    const message = (await conversationMessages(ctx.db, reply.conversation_id)).find((m) => m.id === reply.message_id);
    const channel = conversation ? await findChannel(ctx.db, conversation.channel_id) : undefined;
    if (!conversation || !message || !channel) continue;
    const adapter = adapterFor(channel.network);
    const input = replyInput(conversation, reply, message, adapterChannel(ctx, channel));
    const checked = adapter.check ? await adapter.check(input, deps).catch(() => ({ kind: "unknown" as const })) : { kind: "unknown" as const };
    const outcome: PublishOutcome =
      checked.kind === "published"
        ? checked
        : checked.kind === "absent"
          ? await adapter.publish(input, deps).catch((error: unknown) => ({ kind: "unknown" as const, code: "outcome_unknown" as const, detail: error instanceof Error ? error.message : String(error) }))
          : { kind: "unknown", code: "outcome_unknown", detail: "the network cannot say whether the reply went out" };
    await recordReplyOutcome(ctx, reply, me, outcome, { id: null, label: "inbox recovery" });
  }
  return { recovered: stuck.length };
}

/** The month's first-response times (conversations that arrived that month, Brussels time); null for a month that is not one. */
export async function responseTimeReport(ctx: AppContext, month: string): Promise<ResponseStats[] | null> {
  const range = brusselsMonthRange(month);
  if (!range) return null;
  const rows = await conversationsForReport(ctx.db, range);
  return responseTimeStats(
    rows.map((r) => ({ channel: r.channel, language: r.language, arrivedAt: r.first_message_at, firstResponseAt: r.first_response_at, dueAt: r.due_at, noAnswerNeeded: r.state === "closed" && r.first_response_at === null })),
    ctx.now(),
  );
}

export function responseTimeCsv(stats: readonly ResponseStats[], separator: CsvSeparator = ","): string {
  const round = (n: number | null) => (n === null ? "" : n.toFixed(1));
  return toCsv(
    ["channel", "language", "conversations", "answered", "pending", "no_answer_needed", "mean_minutes", "median_minutes", "p90_minutes", "within_rule_share"],
    stats.map((s) => [s.channel ?? "(all)", s.language ?? "(all)", s.conversations, s.answered, s.pending, s.noAnswerNeeded, round(s.meanMinutes), round(s.medianMinutes), round(s.p90Minutes), s.withinRuleShare === null ? "" : s.withinRuleShare.toFixed(4)]),
    separator,
  );
}

/** Forgets conversations that ended more than the retention period ago (INBOX_RETENTION_MONTHS, 13 by default), keeping their figures. */
export async function purgeExpiredConversations(ctx: AppContext): Promise<{ purged: number }> {
  const endedBefore = DateTime.fromJSDate(ctx.now()).minus({ months: ctx.config.inboxRetentionMonths }).toJSDate();
  const purged = await ctx.db.transaction().execute(async (tx) => {
    const n = await purgeConversations(tx, { endedBefore });
    if (n > 0) await audit(tx, { id: null, label: "inbox retention" }, { action: "conversations.purged", subjectType: "conversation", subjectId: null, after: { conversations: n, endedBefore: endedBefore.toISOString() } });
    return n;
  });
  return { purged };
}

const citizenSchema = z.object({ handle: z.string().trim().min(2).max(200) });
/** The audit trail names a citizen by a hash of their handle, never by the handle itself. */
const handleHash = (handle: string) => createHash("sha256").update(handle.toLowerCase()).digest("hex").slice(0, 16);

/** A citizen's access request (GDPR article 15): everything the inbox holds of them, as JSON. */
export async function exportCitizenData(ctx: AppContext, user: User, input: unknown): Promise<{ ok: true; body: string; filename: string } | { ok: false; key: MessageKey }> {
  if (!can(user.roles, "inbox.personalData")) return { ok: false, key: "error.forbidden.body" };
  const parsed = citizenSchema.safeParse(input);
  if (!parsed.success) return { ok: false, key: "inbox.error.handle" };
  const handle = parsed.data.handle.replace(/^@/, "");
  const conversations = await conversationsOfCitizen(ctx.db, handle);
  const details = await Promise.all(
    conversations.map(async (c) => {
      const [messages, replies] = await Promise.all([conversationMessages(ctx.db, c.id), conversationReplies(ctx.db, c.id)]);
      return {
        channel: c.channel,
        network: c.network,
        state: c.state,
        messages: messages.filter((m) => m.author_handle.toLowerCase() === handle.toLowerCase()).map((m) => ({ writtenAt: m.written_at.toISOString(), text: m.text, networkId: m.remote_id })),
        answers: replies.filter((r) => r.state === "sent").map((r) => ({ sentAt: r.sent_at?.toISOString() ?? null, text: r.text })),
      };
    }),
  );
  await ctx.db.transaction().execute(async (tx) => {
    await audit(tx, actorOf(user), { action: "citizen.exported", subjectType: "citizen", subjectId: handleHash(handle), after: { conversations: conversations.length } });
  });
  const body = `${JSON.stringify({ format: "cadence-citizen-data", handle, exportedAt: ctx.now().toISOString(), conversations: details }, null, 2)}\n`;
  return { ok: true, body, filename: `citizen-${handleHash(handle)}.json` };
}

/** A citizen's erasure request (GDPR article 17): their messages go everywhere, their conversations keep only their figures. */
export async function eraseCitizenData(ctx: AppContext, user: User, input: unknown): Promise<{ ok: true; conversations: number; messages: number } | { ok: false; key: MessageKey }> {
  if (!can(user.roles, "inbox.personalData")) return { ok: false, key: "error.forbidden.body" };
  const parsed = citizenSchema.extend({ confirm: z.literal("yes") }).safeParse(input);
  if (!parsed.success) return { ok: false, key: "inbox.error.handle" };
  const handle = parsed.data.handle.replace(/^@/, "");
  return await ctx.db.transaction().execute(async (tx) => {
    const ids = (await conversationsOfCitizen(tx, handle)).map((c) => c.id);
    const messages = await deleteMessagesBy(tx, handle);
    const conversations = await purgeConversations(tx, { ids });
    await audit(tx, actorOf(user), { action: "citizen.erased", subjectType: "citizen", subjectId: handleHash(handle), after: { conversations, messages } });
    return { ok: true as const, conversations, messages };
  });
}

/** The early warning: the last hour against the same hour of the four previous weeks (docs/inbox.md). */
export async function surgeStatus(ctx: AppContext) {
  const counts = await hourlyMessageCounts(ctx.db, ctx.now(), 4);
  return detectSurge(counts.lastHour, counts.before);
}

/** A surge and the messages behind it, for its page. */
export async function surgeView(ctx: AppContext) {
  const verdict = await surgeStatus(ctx);
  const messages = await latestMessages(ctx.db, new Date(ctx.now().getTime() - 3_600_000), 100);
  return { ...verdict, messages };
}

/** Sends one e-mail; the default goes through SMTP_URL with nodemailer (tests pass a local server's). */
export type SendMail = (mail: { to: string; subject: string; text: string }) => Promise<void>;

function smtpMailer(ctx: AppContext): SendMail | null {
  if (!ctx.config.smtpUrl) return null;
  const transport = nodemailer.createTransport(ctx.config.smtpUrl);
  return async (mail) => {
    await transport.sendMail({ from: ctx.config.mailFrom, ...mail });
  };
}

/**
 * The one-business-day rule, enforced: each overdue conversation's assignee and the approvers get a
 * notice in Cadence, once, and an e-mail when SMTP_URL is set (without the citizen's words: a link).
 */
export async function alertOverdueConversations(ctx: AppContext, options: { sendMail?: SendMail | null } = {}): Promise<{ alerted: number; emailed: number }> {
  const alerted = await addOverdueAlerts(ctx.db, ctx.now());
  const send = options.sendMail === undefined ? smtpMailer(ctx) : options.sendMail;
  let emailed = 0;
  if (send) {
    for (const alert of await alertsToEmail(ctx.db, 200)) {
      const t = translator(isUiLanguage(alert.ui_language) ? alert.ui_language : "fr");
      const time = DateTime.fromJSDate(alert.due_at, { zone: BRUSSELS_ZONE }).toFormat("dd/MM/yyyy HH:mm");
      try {
        await send({
          to: alert.email,
          subject: t("alert.mail.subject", { channel: alert.channel }),
          text: t("alert.mail.body", { name: alert.display_name, channel: alert.channel, time, link: `${ctx.config.publicUrl}/inbox/${alert.conversation_id}` }),
        });
        await markAlertEmailed(ctx.db, alert.id, ctx.now());
        emailed++;
      } catch (error) {
        // Tried again at the next run; the in-app notice is there meanwhile.
        ctx.log.warn("overdue notice could not be e-mailed", { alert: alert.id, error: error instanceof Error ? error.message : String(error) });
        break;
      }
    }
  }
  return { alerted, emailed };
}

export async function myAlerts(ctx: AppContext, user: User) {
  return await openAlertsOf(ctx.db, user.id);
}

export async function dismissMyAlert(ctx: AppContext, user: User, id: string): Promise<InboxResult> {
  return (await dismissAlert(ctx.db, user.id, id)) ? { ok: true } : { ok: false, key: "api.error.notFound" };
}

/** How long "is writing an answer" lasts without a new sign (the page renews it while typing). */
export const REPLYING_MS = 90_000;

/** Says that `user` is writing an answer to the conversation (shown to the others for 90 s). */
export async function startedReplying(ctx: AppContext, user: User, conversationId: string): Promise<InboxResult> {
  if (!can(user.roles, "inbox.answer")) return { ok: false, key: "error.forbidden.body" };
  if (!(await findConversation(ctx.db, conversationId))) return { ok: false, key: "api.error.notFound" };
  const now = ctx.now();
  await markReplying(ctx.db, conversationId, user.id, now, new Date(now.getTime() + REPLYING_MS));
  return { ok: true };
}

/** Who else is writing an answer to this conversation now (the page asks every 15 s). */
export async function someoneReplying(ctx: AppContext, user: User, conversationId: string): Promise<string | null> {
  return await replyingNow(ctx.db, conversationId, user.id, ctx.now());
}
