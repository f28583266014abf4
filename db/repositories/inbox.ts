import { sql } from "kysely";
import type { Db } from "../client";
import type { Channel, CloseReason, Conversation, ConversationLanguage, ConversationState, InboxReply, ReplyState } from "../schema";

/** Every statement of the inbox: collection cursors, conversations, their messages, replies and notes. */

export interface CursorRow {
  channel: Channel;
  position: string | null;
  notBefore: Date | null;
  failures: number;
  polledAt: Date | null;
  lastErrorCode: string | null;
}

/** Active channels of the networks that can be read, with where their collection stands. */
export async function listCollectableChannels(db: Db, networks: readonly string[]): Promise<CursorRow[]> {
  if (networks.length === 0) return [];
  const rows = await db
    .selectFrom("channels")
    .leftJoin("inbox_cursors", "inbox_cursors.channel_id", "channels.id")
    .selectAll("channels")
    .select(["inbox_cursors.position", "inbox_cursors.not_before", "inbox_cursors.failures", "inbox_cursors.polled_at", "inbox_cursors.last_error_code"])
    .where("channels.active", "=", true)
    // A channel without credentials has no account to read (in demo mode it publishes to the outbox).
    .where("channels.credentials_encrypted", "is not", null)
    .where("channels.network", "in", networks as Channel["network"][])
    .orderBy("channels.name")
    .execute();
  return rows.map(({ position, not_before, failures, polled_at, last_error_code, ...channel }) => ({
    channel: channel,
    position: position ?? null,
    notBefore: not_before ?? null,
    failures: failures ?? 0,
    polledAt: polled_at ?? null,
    lastErrorCode: last_error_code ?? null,
  }));
}

/** Takes a channel's collection for this transaction; false if another process is collecting it. */
export async function lockChannelCollection(db: Db, channelId: string): Promise<boolean> {
  const row = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext(${`inbox:${channelId}`})) as locked`.execute(db);
  return row.rows[0]?.locked === true;
}

/** Waits for a channel's collection (a webhook's messages join a round that is running). */
export async function waitForChannelCollection(db: Db, channelId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`inbox:${channelId}`}))`.execute(db);
}

export async function saveCursor(
  db: Db,
  channelId: string,
  values: { position: string | null; polledAt: Date; notBefore: Date | null; failures: number; errorCode: string | null; error: string | null },
): Promise<void> {
  const row = { position: values.position, polled_at: values.polledAt, not_before: values.notBefore, failures: values.failures, last_error_code: values.errorCode, last_error: values.error };
  await db
    .insertInto("inbox_cursors")
    .values({ channel_id: channelId, ...row })
    .onConflict((oc) => oc.column("channel_id").doUpdateSet(row))
    .execute();
}

/** Where each watched term's search stands on each channel. */
export async function listWatchCursors(db: Db, channelIds: readonly string[]) {
  if (channelIds.length === 0) return [];
  return await db.selectFrom("inbox_watch_cursors").selectAll().where("channel_id", "in", channelIds).execute();
}

export async function lockWatch(db: Db, channelId: string, term: string): Promise<boolean> {
  const row = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext(${`inbox-watch:${channelId}:${term}`})) as locked`.execute(db);
  return row.rows[0]?.locked === true;
}

export async function saveWatchCursor(
  db: Db,
  channelId: string,
  term: string,
  values: { position: string | null; polledAt: Date; notBefore: Date | null; failures: number; errorCode: string | null; error: string | null },
): Promise<void> {
  const row = { position: values.position, polled_at: values.polledAt, not_before: values.notBefore, failures: values.failures, last_error_code: values.errorCode, last_error: values.error };
  await db
    .insertInto("inbox_watch_cursors")
    .values({ channel_id: channelId, term, ...row })
    .onConflict((oc) => oc.columns(["channel_id", "term"]).doUpdateSet(row))
    .execute();
}

/** Watches whose search the network refuses now, with their channel's name. */
export async function failingWatches(db: Db) {
  return await db
    .selectFrom("inbox_watch_cursors as w")
    .innerJoin("channels as c", "c.id", "w.channel_id")
    .select(["c.name", "w.term", "w.last_error_code", "w.polled_at", "w.not_before"])
    .where("w.failures", ">", 0)
    .where("c.active", "=", true)
    .orderBy("c.name")
    .execute();
}

/** A term no longer watched: its positions go. */
export async function dropWatchCursorsExcept(db: Db, terms: readonly string[]): Promise<void> {
  let query = db.deleteFrom("inbox_watch_cursors");
  if (terms.length > 0) query = query.where("term", "not in", terms);
  await query.execute();
}

export interface NewInboxMessage {
  conversationId: string;
  channelId: string;
  remoteId: string;
  remoteCid: string | null;
  rootRemoteId: string | null;
  rootRemoteCid: string | null;
  inReplyToRemoteId: string | null;
  authorHandle: string;
  text: string;
  language: ConversationLanguage;
  visibility: string | null;
  writtenAt: Date;
}


export interface ConversationListRow {
  id: string;
  channel_name: string;
  network: string;
  citizen_handle: string;
  language: ConversationLanguage;
  state: ConversationState;
  assignee_name: string | null;
  due_at: Date;
  last_message_at: Date;
  last_text: string | null;
  messages: number;
}

/** One queue of the inbox: the conversations waiting for us by deadline, or those done, latest first. */
export async function listConversations(
  db: Db,
  filter: { language: ConversationLanguage | null; open: boolean; assigneeId: string | null; origin?: "addressed" | "watch"; awaitingApproval?: boolean },
  limit: number,
  offset: number,
): Promise<ConversationListRow[]> {
  let query = db
    .selectFrom("conversations as c")
    .innerJoin("channels as ch", "ch.id", "c.channel_id")
    .leftJoin("users as u", "u.id", "c.assignee_id")
    .select([
      "c.id",
      "ch.name as channel_name",
      "ch.network",
      "c.citizen_handle",
      "c.language",
      "c.state",
      "u.display_name as assignee_name",
      "c.due_at",
      "c.last_message_at",
      (eb) => eb.selectFrom("inbox_messages as m").select("m.text").whereRef("m.conversation_id", "=", "c.id").orderBy("m.written_at", "desc").limit(1).as("last_text"),
      (eb) => eb.selectFrom("inbox_messages as m").select(sql<number>`count(*)::int`.as("n")).whereRef("m.conversation_id", "=", "c.id").as("messages"),
    ]);
  // A purged conversation (its citizen forgotten) is kept for the figures only.
  query = query.where("c.citizen_handle", "<>", "");
  if (filter.language) query = query.where("c.language", "=", filter.language);
  if (filter.assigneeId) query = query.where("c.assignee_id", "=", filter.assigneeId);
  // Written as literals, so that the planner matches the queues' partial index.
  if (filter.origin) query = query.where(filter.origin === "watch" ? sql<boolean>`c.origin = 'watch'` : sql<boolean>`c.origin = 'addressed'`);
  if (filter.awaitingApproval) query = query.where((eb) => eb.exists(eb.selectFrom("inbox_replies as r").select("r.id").whereRef("r.conversation_id", "=", "c.id").where("r.state", "=", "awaiting_approval")));
  // Waiting for us (new, assigned, waiting for an internal answer) by deadline; or done (answered, closed), latest first.
  query = filter.awaitingApproval
    ? query.orderBy("c.due_at").orderBy("c.id")
    : filter.open
      ? query.where(sql<boolean>`c.state in ('new', 'assigned', 'waiting')`).orderBy("c.due_at").orderBy("c.id")
      : query.where("c.state", "in", ["answered", "closed"]).orderBy("c.updated_at", "desc").orderBy("c.id");
  const rows = await query.limit(limit).offset(offset).execute();
  return rows.map((r) => ({ ...r, messages: Number(r.messages ?? 0) }));
}

/** Open conversations per language (the queues' counts) and how many are overdue. */
export async function queueCounts(db: Db, now: Date): Promise<{ language: ConversationLanguage; open: number; overdue: number }[]> {
  const rows = await db
    .selectFrom("conversations")
    .select(["language", sql<number>`count(*)::int`.as("open"), sql<number>`(count(*) filter (where due_at < ${now}))::int`.as("overdue")])
    // Literals: an index-only scan of the queues' partial index.
    .where(sql<boolean>`state in ('new', 'assigned', 'waiting') and origin = 'addressed'`)
    .groupBy("language")
    .execute();
  return rows.map((r) => ({ language: r.language, open: Number(r.open), overdue: Number(r.overdue) }));
}

/** Conversations found by a watch that now hold a message addressed to us: they join the language queues. */
export async function promoteWatchedConversations(db: Db, touched: readonly { id: string; dueAt: Date }[]): Promise<void> {
  if (touched.length === 0) return;
  await sql`
    update conversations c set origin = 'addressed', due_at = v.due_at
    from unnest(${touched.map((t) => t.id)}::uuid[], ${touched.map((t) => t.dueAt.toISOString())}::timestamptz[]) as v(id, due_at)
    where c.id = v.id and c.origin = 'watch'`.execute(db);
}

/** Open conversations found by keyword watches, and conversations with an answer waiting for a second approval. */
export async function sideQueueCounts(db: Db): Promise<{ watch: number; approval: number }> {
  const row = await sql<{ watch: number; approval: number }>`
    select
      (select count(*) from conversations where origin = 'watch' and state in ('new', 'assigned', 'waiting'))::int as watch,
      (select count(*) from inbox_replies where state = 'awaiting_approval')::int as approval`.execute(db);
  return { watch: Number(row.rows[0]?.watch ?? 0), approval: Number(row.rows[0]?.approval ?? 0) };
}

export async function findConversation(
  db: Db,
  id: string,
): Promise<(Conversation & { channel_name: string; network: Channel["network"]; channel_language: Channel["language"]; assignee_name: string | null }) | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return await db
    .selectFrom("conversations as c")
    .innerJoin("channels as ch", "ch.id", "c.channel_id")
    .leftJoin("users as u", "u.id", "c.assignee_id")
    .selectAll("c")
    .select(["ch.name as channel_name", "ch.network", "ch.language as channel_language", "u.display_name as assignee_name"])
    .where("c.id", "=", id)
    .executeTakeFirst();
}

export async function conversationMessages(db: Db, id: string) {
  return await db.selectFrom("inbox_messages").selectAll().where("conversation_id", "=", id).orderBy("written_at").orderBy("collected_at").execute();
}

export async function conversationReplies(db: Db, id: string) {
  return await db
    .selectFrom("inbox_replies as r")
    .innerJoin("users as u", "u.id", "r.author_id")
    .selectAll("r")
    .select("u.display_name as author_name")
    .where("r.conversation_id", "=", id)
    .orderBy("r.created_at")
    .execute();
}

export async function conversationNotes(db: Db, id: string) {
  return await db
    .selectFrom("conversation_notes as n")
    .innerJoin("users as u", "u.id", "n.author_id")
    .select(["n.id", "n.text", "n.created_at", "u.display_name as author_name"])
    .where("n.conversation_id", "=", id)
    .orderBy("n.created_at")
    .execute();
}

/** Changes a conversation if it is still at `version` (optimistic locking); undefined if someone changed it first. */
export async function updateConversation(
  db: Db,
  id: string,
  version: number,
  patch: Partial<{ state: ConversationState; assignee_id: string | null; close_reason: CloseReason | null; closed_at: Date | null; language: ConversationLanguage }>,
): Promise<Conversation | undefined> {
  return await db
    .updateTable("conversations")
    .set({ ...patch, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
    .where("id", "=", id)
    .where("version", "=", version)
    .returningAll()
    .executeTakeFirst();
}

export async function insertNote(db: Db, conversationId: string, authorId: string, text: string): Promise<void> {
  await db.insertInto("conversation_notes").values({ conversation_id: conversationId, author_id: authorId, text }).execute();
}

/** The citizen's latest message in a conversation: what a reply answers. */
export async function latestIncoming(db: Db, conversationId: string) {
  return await db.selectFrom("inbox_messages").selectAll().where("conversation_id", "=", conversationId).orderBy("written_at", "desc").orderBy("collected_at", "desc").executeTakeFirst();
}

/**
 * Starts a reply: stored as "sending" with its key before any network call. Null when another
 * reply of the conversation is already on its way (the unique index decides, not a check first).
 */
/**
 * Claims an answer for sending: null when another is on its way (the one-in-flight index), or — when
 * `seenReplyId` says which answer the person saw last (null: none) — when an answer newer than that
 * was sent, is being sent or waits for approval: someone answered meanwhile. One statement, so an
 * answer that went out a moment before is seen.
 */
export async function startReply(db: Db, values: { conversationId: string; messageId: string; authorId: string; text: string; remoteKey: string | null; claimedBy: string; now: Date; seenReplyId?: string | null }) {
  const checkSeen = values.seenReplyId !== undefined;
  const result = await sql<InboxReply>`
    insert into inbox_replies (conversation_id, message_id, author_id, text, remote_key, state, claimed_by, claimed_at)
    select ${values.conversationId}, ${values.messageId}, ${values.authorId}, ${values.text}, ${values.remoteKey}, 'sending', ${values.claimedBy}, ${values.now}
    where not ${checkSeen} or not exists (
      select 1 from inbox_replies r
      where r.conversation_id = ${values.conversationId}
        and r.state in ('sending', 'sent', 'unconfirmed', 'awaiting_approval')
        and r.created_at > coalesce((select s.created_at from inbox_replies s where s.id = ${values.seenReplyId ?? null}::uuid and s.conversation_id = ${values.conversationId}), '-infinity'::timestamptz))
    on conflict (conversation_id) where state = 'sending' do nothing
    returning *`.execute(db);
  return result.rows[0] ?? null;
}

/** An answer that waits for a second person's approval; null if one is already waiting in this conversation. */
export async function submitReply(db: Db, values: { conversationId: string; messageId: string; authorId: string; text: string; reasons: string[] }) {
  const row = await db
    .insertInto("inbox_replies")
    .values({ conversation_id: values.conversationId, message_id: values.messageId, author_id: values.authorId, text: values.text, state: "awaiting_approval", approval_reasons: values.reasons })
    .onConflict((oc) => oc.column("conversation_id").where("state", "=", "awaiting_approval").doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export async function awaitingReplyOf(db: Db, conversationId: string) {
  return await db.selectFrom("inbox_replies").select("id").where("conversation_id", "=", conversationId).where("state", "=", "awaiting_approval").executeTakeFirst();
}

export async function findAwaitingReply(db: Db, conversationId: string, replyId: string) {
  return await db.selectFrom("inbox_replies").selectAll().where("id", "=", replyId).where("conversation_id", "=", conversationId).where("state", "=", "awaiting_approval").executeTakeFirst();
}

/**
 * The second person approves: the answer is claimed for sending, as one written and sent at once.
 * Null if it was decided meanwhile, or if another answer is on its way (the one-in-flight index).
 */
export async function approveAwaitingReply(db: Db, values: { replyId: string; deciderId: string; remoteKey: string | null; claimedBy: string; now: Date }) {
  try {
    const row = await db
      .updateTable("inbox_replies")
      .set({ state: "sending", decided_by: values.deciderId, decided_at: values.now, remote_key: values.remoteKey, claimed_by: values.claimedBy, claimed_at: values.now })
      .where("id", "=", values.replyId)
      .where("state", "=", "awaiting_approval")
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  } catch (error) {
    if ((error as { code?: string }).code === "23505") return null;
    throw error;
  }
}

export async function rejectAwaitingReply(db: Db, values: { replyId: string; deciderId: string; note: string | null; now: Date }) {
  const row = await db
    .updateTable("inbox_replies")
    .set({ state: "rejected", decided_by: values.deciderId, decided_at: values.now, decision_note: values.note })
    .where("id", "=", values.replyId)
    .where("state", "=", "awaiting_approval")
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** Records a reply's outcome, only if the claim is still this process's. */
export async function finishReply(
  db: Db,
  id: string,
  claimedBy: string,
  outcome: { state: Exclude<ReplyState, "sending">; remoteId?: string | null; remoteUrl?: string | null; errorCode?: string | null; error?: string | null; sentAt?: Date | null },
): Promise<boolean> {
  const updated = await db
    .updateTable("inbox_replies")
    .set({ state: outcome.state, remote_id: outcome.remoteId ?? null, remote_url: outcome.remoteUrl ?? null, error_code: outcome.errorCode ?? null, error: outcome.error ?? null, sent_at: outcome.sentAt ?? null })
    .where("id", "=", id)
    .where("state", "=", "sending")
    .where("claimed_by", "=", claimedBy)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Replies left "sending" longer than the lease, taken over by `claimedBy` (compare-and-set). */
export async function takeOverStuckReplies(db: Db, olderThan: Date, claimedBy: string, now: Date) {
  return await db
    .updateTable("inbox_replies")
    .set({ claimed_by: claimedBy, claimed_at: now })
    .where("state", "=", "sending")
    .where("claimed_at", "<", olderThan)
    .returningAll()
    .execute();
}

/** A reply that reached the citizen: the conversation is answered, and its first response time is kept. */
export async function markConversationAnswered(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable("conversations")
    .set({ state: sql<ConversationState>`case when state = 'closed' then state else 'answered' end`, first_response_at: sql<Date>`coalesce(first_response_at, ${at})`, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
    .where("id", "=", id)
    .execute();
}

/** The conversations that arrived in a period, with what the response-time report needs. */
export async function conversationsForReport(db: Db, range: { start: Date; end: Date }) {
  return await db
    .selectFrom("conversations as c")
    .innerJoin("channels as ch", "ch.id", "c.channel_id")
    .select(["ch.name as channel", "c.language", "c.first_message_at", "c.first_response_at", "c.due_at", "c.state", "c.close_reason"])
    .where("c.first_message_at", ">=", range.start)
    .where("c.first_message_at", "<", range.end)
    .where("c.origin", "=", "addressed")
    .execute();
}

/**
 * Forgets the citizens of conversations whose last activity is older than `before` and that are
 * done (answered or closed): their messages, notes and the text of our replies go; the
 * conversation keeps only what the response-time report counts (channel, language, times, state).
 */
export async function purgeConversations(db: Db, filter: { endedBefore: Date } | { ids: string[] }): Promise<number> {
  let query = db.selectFrom("conversations").select("id").where("citizen_handle", "<>", "");
  query = "ids" in filter ? query.where("id", "in", filter.ids.length > 0 ? filter.ids : ["00000000-0000-0000-0000-000000000000"]) : query.where("state", "in", ["answered", "closed"]).where(sql<Date>`greatest(last_message_at, updated_at)`, "<", filter.endedBefore);
  const ids = (await query.execute()).map((r) => r.id);
  if (ids.length === 0) return 0;
  await db.deleteFrom("inbox_messages").where("conversation_id", "in", ids).execute();
  await db.deleteFrom("conversation_notes").where("conversation_id", "in", ids).execute();
  // Replies keep their state and times (the archive's count), not what they said to whom.
  await db.updateTable("inbox_replies").set({ text: "" }).where("conversation_id", "in", ids).execute();
  await db.updateTable("conversations").set({ citizen_handle: "", content_item_id: null, version: sql<number>`version + 1` }).where("id", "in", ids).execute();
  return ids.length;
}

/** Every conversation of one citizen (by handle, on every channel or one), for an access or erasure request. */
export async function conversationsOfCitizen(db: Db, handle: string) {
  return await db
    .selectFrom("conversations as c")
    .innerJoin("channels as ch", "ch.id", "c.channel_id")
    .select(["c.id", "ch.name as channel", "ch.network", "c.state", "c.first_message_at"])
    .where(sql<string>`lower(c.citizen_handle)`, "=", handle.toLowerCase())
    .orderBy("c.first_message_at")
    .execute();
}

/** Removes every message a citizen wrote, in any conversation (an erasure request). */
export async function deleteMessagesBy(db: Db, handle: string): Promise<number> {
  const deleted = await db.deleteFrom("inbox_messages").where(sql<string>`lower(author_handle)`, "=", handle.toLowerCase()).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

// Set-based forms of the statements above, for a collection round of hundreds of messages.

/** Which of these network ids a channel already has. */
export async function existingRemoteIds(db: Db, channelId: string, remoteIds: readonly string[]): Promise<Set<string>> {
  if (remoteIds.length === 0) return new Set();
  const rows = await db.selectFrom("inbox_messages").select("remote_id").where("channel_id", "=", channelId).where("remote_id", "in", remoteIds).execute();
  return new Set(rows.map((r) => r.remote_id));
}

/** The conversations that messages or answers with these network ids belong to, on one channel. */
export async function conversationsOfRemotes(db: Db, channelId: string, remoteIds: readonly string[]): Promise<Map<string, Conversation>> {
  if (remoteIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("conversations as c")
    .innerJoin(
      (eb) =>
        eb
          .selectFrom("inbox_messages")
          .select(["conversation_id", "remote_id"])
          .where("channel_id", "=", channelId)
          .where("remote_id", "in", remoteIds)
          .unionAll(eb.selectFrom("inbox_replies").select(["conversation_id", sql<string>`remote_id`.as("remote_id")]).where("remote_id", "in", remoteIds))
          .as("m"),
      (join) => join.onRef("m.conversation_id", "=", "c.id"),
    )
    .selectAll("c")
    .select("m.remote_id as via")
    .where("c.channel_id", "=", channelId)
    .execute();
  return new Map(rows.map(({ via, ...c }) => [via, c]));
}

/** Each citizen's latest open conversation on a channel. */
export async function openConversationsOf(db: Db, channelId: string, handles: readonly string[]): Promise<Map<string, Conversation>> {
  if (handles.length === 0) return new Map();
  const rows = await db
    .selectFrom("conversations")
    .selectAll()
    .distinctOn("citizen_handle")
    .where("channel_id", "=", channelId)
    .where("citizen_handle", "in", handles)
    .where("state", "<>", "closed")
    .orderBy("citizen_handle")
    .orderBy("last_message_at", "desc")
    .execute();
  return new Map(rows.map((c) => [c.citizen_handle, c]));
}

/**
 * The channel's own posts published since `since`, newest first (network ids): where comments are
 * read on networks that have no notification list (Facebook, LinkedIn).
 */
export async function recentRemotePosts(db: Db, channelId: string, since: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("publications")
    .select("remote_id")
    .where("channel_id", "=", channelId)
    .where("state", "=", "published")
    .where("remote_id", "is not", null)
    .where("published_at", ">=", since)
    .orderBy("published_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => r.remote_id!);
}

/** The Cadence posts that these network ids are publications of, on one channel. */
export async function itemsPublishedAs(db: Db, channelId: string, remoteIds: readonly string[]): Promise<Map<string, string>> {
  if (remoteIds.length === 0) return new Map();
  const rows = await db.selectFrom("publications").select(["remote_id", "content_item_id"]).where("channel_id", "=", channelId).where("remote_id", "in", remoteIds).execute();
  return new Map(rows.map((r) => [r.remote_id!, r.content_item_id]));
}

/** New conversations, one per citizen; returned by citizen handle. */
export async function insertConversations(
  db: Db,
  rows: readonly { channelId: string; citizenHandle: string; contentItemId: string | null; language: ConversationLanguage; at: Date; dueAt: Date; origin?: "addressed" | "watch" }[],
): Promise<Map<string, Conversation>> {
  const out = new Map<string, Conversation>();
  for (let i = 0; i < rows.length; i += 1_000) {
    const inserted = await db
      .insertInto("conversations")
      .values(rows.slice(i, i + 1_000).map((r) => ({ channel_id: r.channelId, citizen_handle: r.citizenHandle, content_item_id: r.contentItemId, language: r.language, first_message_at: r.at, last_message_at: r.at, due_at: r.dueAt, origin: r.origin ?? "addressed" })))
      .returningAll()
      .execute();
    for (const c of inserted) out.set(c.citizen_handle, c);
  }
  return out;
}

/**
 * Stores messages once each (copies are dropped by the unique key); returns how many were new.
 * One array per column (unnest): a round of hundreds of messages is one short statement.
 */
export async function insertInboxMessages(db: Db, rows: readonly NewInboxMessage[]): Promise<number> {
  if (rows.length === 0) return 0;
  const col = <T>(pick: (m: NewInboxMessage) => T) => rows.map(pick);
  const inserted = await sql<{ id: string }>`
    insert into inbox_messages (conversation_id, channel_id, remote_id, remote_cid, root_remote_id, root_remote_cid, in_reply_to_remote_id, author_handle, text, language, visibility, written_at)
    select * from unnest(
      ${col((m) => m.conversationId)}::uuid[], ${col((m) => m.channelId)}::uuid[], ${col((m) => m.remoteId)}::text[], ${col((m) => m.remoteCid)}::text[],
      ${col((m) => m.rootRemoteId)}::text[], ${col((m) => m.rootRemoteCid)}::text[], ${col((m) => m.inReplyToRemoteId)}::text[], ${col((m) => m.authorHandle)}::text[],
      ${col((m) => m.text)}::text[], ${col((m) => m.language)}::text[], ${col((m) => m.visibility)}::text[], ${col((m) => m.writtenAt.toISOString())}::timestamptz[])
    on conflict (channel_id, remote_id) do nothing
    returning id`.execute(db);
  return inserted.rows.length;
}

/** conversationGotMessage for many conversations in one statement: `at` is their newest message, `dueAt` the deadline if they reopen. */
export async function conversationsGotMessages(db: Db, touched: readonly { id: string; at: Date; dueAt: Date }[]): Promise<void> {
  for (let i = 0; i < touched.length; i += 1_000) {
    const values = sql.join(touched.slice(i, i + 1_000).map((t) => sql`(${t.id}::uuid, ${t.at}::timestamptz, ${t.dueAt}::timestamptz)`));
    await sql`
      update conversations c set
        last_message_at = greatest(c.last_message_at, v.at),
        state = case when c.state in ('answered', 'closed') then (case when c.assignee_id is null then 'new' else 'assigned' end) else c.state end,
        due_at = case when c.state in ('answered', 'closed') then v.due else c.due_at end,
        close_reason = case when c.state = 'closed' then null else c.close_reason end,
        closed_at = case when c.state = 'closed' then null else c.closed_at end,
        version = c.version + 1,
        updated_at = now()
      from (values ${values}) as v(id, at, due)
      where c.id = v.id`.execute(db);
  }
}

/** Messages written in [end − 1 h, end) and in the same hour of each of the `weeks` previous weeks. */
export async function hourlyMessageCounts(db: Db, end: Date, weeks: number): Promise<{ lastHour: number; before: number[] }> {
  // One narrow range count per hour (inbox_messages_written_idx), not a scan of four weeks.
  const counts = await Promise.all(
    Array.from({ length: weeks + 1 }, async (_, w) => {
      const to = new Date(end.getTime() - w * 7 * 86_400_000);
      const row = await db
        .selectFrom("inbox_messages")
        .select(sql<number>`count(*)::int`.as("n"))
        .where("written_at", ">=", new Date(to.getTime() - 3_600_000))
        .where("written_at", "<", to)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }),
  );
  return { lastHour: counts[0]!, before: counts.slice(1) };
}

/** The latest messages of the last hour (what a surge is made of), newest first. */
export async function latestMessages(db: Db, since: Date, limit: number) {
  return await db
    .selectFrom("inbox_messages as m")
    .innerJoin("channels as ch", "ch.id", "m.channel_id")
    .select(["m.conversation_id", "m.author_handle", "m.text", "m.written_at", "ch.name as channel"])
    .where("m.written_at", ">=", since)
    .orderBy("m.written_at", "desc")
    .limit(limit)
    .execute();
}

/**
 * Tells the people concerned that conversations are overdue: each one's assignee and every active
 * approver, once per person and conversation. Returns the alerts made now.
 */
export async function addOverdueAlerts(db: Db, now: Date): Promise<number> {
  const made = await sql<{ id: string }>`
    insert into conversation_alerts (user_id, conversation_id)
    select u.id, c.id
    from conversations c
    join users u on u.active and (u.id = c.assignee_id or 'approver' = any(u.roles))
    where c.state in ('new', 'assigned', 'waiting') and c.due_at < ${now} and c.citizen_handle <> '' and c.origin = 'addressed'
    on conflict (user_id, conversation_id) do nothing
    returning id`.execute(db);
  return made.rows.length;
}

/** Alerts not e-mailed yet, with what the e-mail says (never the citizen's words). */
export async function alertsToEmail(db: Db, limit: number) {
  return await db
    .selectFrom("conversation_alerts as a")
    .innerJoin("users as u", "u.id", "a.user_id")
    .innerJoin("conversations as c", "c.id", "a.conversation_id")
    .innerJoin("channels as ch", "ch.id", "c.channel_id")
    .select(["a.id", "u.email", "u.display_name", "u.ui_language", "c.id as conversation_id", "c.due_at", "c.language", "ch.name as channel"])
    .where("a.emailed_at", "is", null)
    .where("a.dismissed_at", "is", null)
    .orderBy("a.created_at")
    .limit(limit)
    .execute();
}

export async function markAlertEmailed(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable("conversation_alerts").set({ emailed_at: at }).where("id", "=", id).execute();
}

/** A person's alerts about conversations still waiting for an answer. */
export async function openAlertsOf(db: Db, userId: string) {
  return await db
    .selectFrom("conversation_alerts as a")
    .innerJoin("conversations as c", "c.id", "a.conversation_id")
    .innerJoin("channels as ch", "ch.id", "c.channel_id")
    .select(["a.id", "c.id as conversation_id", "c.citizen_handle", "c.due_at", "c.language", "ch.name as channel"])
    .where("a.user_id", "=", userId)
    .where("a.dismissed_at", "is", null)
    .where("c.state", "in", ["new", "assigned", "waiting"])
    .orderBy("c.due_at")
    .limit(50)
    .execute();
}

export async function dismissAlert(db: Db, userId: string, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const done = await db.updateTable("conversation_alerts").set({ dismissed_at: sql<Date>`now()` }).where("id", "=", id).where("user_id", "=", userId).where("dismissed_at", "is", null).executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

/**
 * "I am writing an answer": kept until `until`, unless someone else's mark is still running (then
 * theirs stays). Does not change the conversation's version: it is presence, not an edit.
 */
export async function markReplying(db: Db, id: string, userId: string, now: Date, until: Date): Promise<void> {
  await db
    .updateTable("conversations")
    .set({ replying_by: userId, replying_until: until })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("replying_by", "is", null), eb("replying_by", "=", userId), eb("replying_until", "<", now)]))
    .execute();
}

/** Who else is writing an answer to a conversation now, if anyone. */
export async function replyingNow(db: Db, id: string, exceptUserId: string, now: Date): Promise<string | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await db
    .selectFrom("conversations as c")
    .innerJoin("users as u", "u.id", "c.replying_by")
    .select("u.display_name")
    .where("c.id", "=", id)
    .where("c.replying_by", "<>", exceptUserId)
    .where("c.replying_until", ">", now)
    .executeTakeFirst();
  return row?.display_name ?? null;
}

/** The mark ends with the answer sent. */
export async function clearReplying(db: Db, id: string, userId: string): Promise<void> {
  await db.updateTable("conversations").set({ replying_by: null, replying_until: null }).where("id", "=", id).where("replying_by", "=", userId).execute();
}

/** A conversation that starts with one citizen's message (the demo's and the tests' fixtures), through the statements a collection round uses. */
export async function startConversation(
  db: Db,
  values: { channelId: string; citizenHandle: string; language: ConversationLanguage; at: Date; dueAt: Date; remoteId: string; text: string },
): Promise<Conversation> {
  const conversation = (await insertConversations(db, [{ channelId: values.channelId, citizenHandle: values.citizenHandle, contentItemId: null, language: values.language, at: values.at, dueAt: values.dueAt }])).get(values.citizenHandle)!;
  await insertInboxMessages(db, [
    {
      conversationId: conversation.id,
      channelId: values.channelId,
      remoteId: values.remoteId,
      remoteCid: null,
      rootRemoteId: null,
      rootRemoteCid: null,
      inReplyToRemoteId: null,
      authorHandle: values.citizenHandle,
      text: values.text,
      language: values.language,
      visibility: null,
      writtenAt: values.at,
    },
  ]);
  return conversation;
}
