import { sql, type RawBuilder } from "kysely";
import type { Db } from "../client";
import type { Channel, PublicationState } from "../schema";

export type PublicationLanguages = "fr" | "nl" | "fr+nl" | "nl+fr";

export interface PlannedPublication {
  channelId: string;
  /** The variant it carries (for a bilingual channel, the item's source variant). */
  variantId: string;
  languages: PublicationLanguages;
}

/**
 * Makes an item's publications match what it will send: one per channel, due at the item's time.
 * Rows still waiting are created, moved or re-enabled; waiting rows no longer planned are cancelled;
 * rows that were sent (or may have been) are never touched. Returns how many are now waiting.
 */
export async function syncItemPublications(db: Db, itemId: string, planned: PlannedPublication[], dueAt: Date, retryWindowMs: number): Promise<number> {
  const existing = await db.selectFrom("publications").select(["id", "channel_id", "variant_id", "state"]).where("content_item_id", "=", itemId).execute();
  const deadline = new Date(dueAt.getTime() + retryWindowMs);
  let waiting = 0;
  for (const p of planned) {
    const row = existing.find((e) => e.channel_id === p.channelId);
    if (!row) {
      await db
        .insertInto("publications")
        .values({
          content_item_id: itemId,
          variant_id: p.variantId,
          channel_id: p.channelId,
          languages: p.languages,
          state: "scheduled",
          due_at: dueAt,
          next_attempt_at: dueAt,
          deadline_at: deadline,
        })
        .execute();
      waiting++;
    } else if (row.state === "scheduled" || row.state === "cancelled") {
      await db
        .updateTable("publications")
        .set({
          variant_id: p.variantId,
          languages: p.languages,
          state: "scheduled",
          due_at: dueAt,
          next_attempt_at: dueAt,
          deadline_at: deadline,
          attempts: 0,
          last_error: null,
          last_error_code: null,
          // A new key for what was never sent: nothing on the network side can hold the old one.
          idempotency_key: sql<string>`gen_random_uuid()::text`,
          updated_at: sql<Date>`now()`,
        })
        .where("id", "=", row.id)
        .execute();
      waiting++;
    }
  }
  const keep = new Set(planned.map((p) => p.channelId));
  const stale = existing.filter((e) => e.state === "scheduled" && !keep.has(e.channel_id)).map((e) => e.id);
  if (stale.length > 0) await db.updateTable("publications").set({ state: "cancelled", updated_at: sql<Date>`now()` }).where("id", "in", stale).execute();
  return waiting;
}

/** Cancels an item's publications that are still waiting (the item left "scheduled"). */
export async function cancelWaitingPublications(db: Db, itemId: string): Promise<number> {
  const result = await db
    .updateTable("publications")
    .set({ state: "cancelled", updated_at: sql<Date>`now()` })
    .where("content_item_id", "=", itemId)
    .where("state", "=", "scheduled")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface ClaimedPublication {
  id: string;
  contentItemId: string;
  channelId: string;
  languages: PublicationLanguages;
  dueAt: Date;
  deadlineAt: Date;
  attempts: number;
  idempotencyKey: string;
  remoteKey: string | null;
}

/** A condition on a publication (by its alias): no open hold covers it (all, its channel, its language). */
export function notHeld(p: RawBuilder<unknown>) {
  return sql<boolean>`not exists (
    select 1 from publishing_holds h
    where h.released_at is null
      and (h.scope = 'all' or (h.scope = 'channel' and h.channel_id = ${p}.channel_id)
           or (h.scope = 'language' and position(h.language in ${p}.languages) > 0))
  )`;
}

/** A publication's row as a claim returns it (`returning ${CLAIMED_COLUMNS}`). */
export interface ClaimedRow {
  id: string;
  content_item_id: string;
  channel_id: string;
  languages: PublicationLanguages;
  due_at: Date;
  deadline_at: Date;
  attempts: number;
  idempotency_key: string;
  remote_key: string | null;
}

export const CLAIMED_COLUMNS = sql.raw("p.id, p.content_item_id, p.channel_id, p.languages, p.due_at, p.deadline_at, p.attempts, p.idempotency_key, p.remote_key");

export function claimedOf(r: ClaimedRow): ClaimedPublication {
  return {
    id: r.id,
    contentItemId: r.content_item_id,
    channelId: r.channel_id,
    languages: r.languages,
    dueAt: r.due_at,
    deadlineAt: r.deadline_at,
    attempts: r.attempts,
    idempotencyKey: r.idempotency_key,
    remoteKey: r.remote_key,
  };
}

/**
 * Claims up to `limit` due publications for one scheduler process: FOR UPDATE SKIP LOCKED, so
 * concurrent processes never take the same row, then "sending" committed before any network
 * call. Held publications (all, their channel, their language) and channels that need
 * reconnecting are left waiting.
 */
export async function claimDuePublications(db: Db, workerId: string, now: Date, limit: number): Promise<ClaimedPublication[]> {
  const result = await sql<ClaimedRow>`
    with due as (
      select p.id from publications p
      join channels c on c.id = p.channel_id
      where p.state = 'scheduled' and p.next_attempt_at <= ${now}
        and c.active and not c.needs_reconnect
        and ${notHeld(sql.ref("p"))}
      order by p.next_attempt_at, p.id
      limit ${limit}
      for update of p skip locked
    )
    update publications p
    set state = 'sending', claimed_by = ${workerId}, claimed_at = ${now}, attempts = p.attempts + 1, updated_at = now()
    from due where p.id = due.id
    returning ${CLAIMED_COLUMNS}`.execute(db);
  return result.rows.map(claimedOf);
}

/** When the next publication is due (for the publisher's sleep), or null if none waits. */
export async function nextDueAt(db: Db): Promise<Date | null> {
  const row = await db.selectFrom("publications").select((eb) => eb.fn.min("next_attempt_at").as("next")).where("state", "=", "scheduled").executeTakeFirst();
  return (row?.next) ?? null;
}

/** Records the remote key chosen before a call (Bluesky's rkey), so that a crash can check it. */
export async function setRemoteKey(db: Db, id: string, workerId: string, remoteKey: string): Promise<void> {
  await db.updateTable("publications").set({ remote_key: remoteKey }).where("id", "=", id).where("claimed_by", "=", workerId).execute();
}

/** Records the call's start (and the record key chosen for it, if any) before the call. */
export interface SentCall {
  id: string;
  workerId: string;
  sentAt: Date;
  remoteKey: string | null;
  /** The exact text and link the call sends (kept for the archive). */
  text: string | null;
  link: string | null;
}

/**
 * Records the call's start and what it sends; only the claim's owner may, while it is "sending".
 * Returns whether it did: false means the claim was taken over (recovery gave it to another
 * process), and the caller must not call the network (decision 0018).
 */
export async function markSent(db: Db, call: SentCall): Promise<boolean> {
  const updated = await db
    .updateTable("publications")
    .set({ sent_at: call.sentAt, sent_text: call.text, sent_link: call.link, ...(call.remoteKey ? { remote_key: call.remoteKey } : {}) })
    .where("id", "=", call.id)
    .where("state", "=", "sending")
    .where("claimed_by", "=", call.workerId)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/**
 * markSent for many claims in one statement (the publisher's group commit): each row is written only
 * if its claim is still "sending" and owned by the given worker. Returns, in order, whether each was.
 */
export async function markSentMany(db: Db, rows: readonly SentCall[]): Promise<boolean[]> {
  if (rows.length === 0) return [];
  const result = await sql<{ id: string }>`
    update publications p
    set sent_at = v.sent_at, remote_key = coalesce(v.remote_key, p.remote_key), sent_text = v.sent_text, sent_link = v.sent_link
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.workerId)}::text[], ${rows.map((r) => r.sentAt.toISOString())}::timestamptz[],
                ${rows.map((r) => r.remoteKey)}::text[], ${rows.map((r) => r.text)}::text[], ${rows.map((r) => r.link)}::text[])
      as v(id, worker_id, sent_at, remote_key, sent_text, sent_link)
    where p.id = v.id and p.state = 'sending' and p.claimed_by = v.worker_id
    returning p.id`.execute(db);
  const marked = new Set(result.rows.map((r) => r.id));
  return rows.map((r) => marked.has(r.id));
}

/**
 * finishClaim(…, { state: "published" }) for many claims in one statement (the publisher's group
 * commit). Returns, in order, whether each claim was still its worker's and is now published.
 */
export async function finishPublishedMany(
  db: Db,
  rows: readonly { id: string; workerId: string; remoteId: string | null; remoteUrl: string | null; at: Date }[],
): Promise<boolean[]> {
  if (rows.length === 0) return [];
  const result = await sql<{ id: string }>`
    update publications p
    set state = 'published', remote_id = v.remote_id, remote_url = v.remote_url, published_at = v.at,
        last_error = null, last_error_code = null, updated_at = now()
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.workerId)}::text[], ${rows.map((r) => r.remoteId)}::text[],
                ${rows.map((r) => r.remoteUrl)}::text[], ${rows.map((r) => r.at.toISOString())}::timestamptz[]) as v(id, worker_id, remote_id, remote_url, at)
    where p.id = v.id and p.state = 'sending' and p.claimed_by = v.worker_id
    returning p.id`.execute(db);
  const done = new Set(result.rows.map((r) => r.id));
  return rows.map((r) => done.has(r.id));
}

/**
 * Ends a claim: published, failed, unconfirmed, or back to scheduled for a retry. Only the claim's
 * owner may end it (a recovered claim was taken over and is left alone).
 */
export async function finishClaim(
  db: Db,
  id: string,
  workerId: string | null,
  outcome:
    | { state: "published"; remoteId: string | null; remoteUrl: string | null; at: Date }
    | { state: "scheduled"; nextAttemptAt: Date; errorCode: string; error: string }
    | { state: "failed" | "unconfirmed"; errorCode: string; error: string },
): Promise<boolean> {
  let q = db.updateTable("publications").where("id", "=", id).where("state", "=", "sending");
  if (workerId) q = q.where("claimed_by", "=", workerId);
  const set =
    outcome.state === "published"
      ? { state: "published" as const, remote_id: outcome.remoteId, remote_url: outcome.remoteUrl, published_at: outcome.at, last_error: null, last_error_code: null }
      : outcome.state === "scheduled"
        ? { state: "scheduled" as const, next_attempt_at: outcome.nextAttemptAt, last_error: outcome.error, last_error_code: outcome.errorCode, claimed_by: null, claimed_at: null }
        : { state: outcome.state, last_error: outcome.error, last_error_code: outcome.errorCode };
  const result = await q.set({ ...set, updated_at: sql<Date>`now()` }).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Publications whose claim is older than `before` and still "sending": their process died or hung. */
export async function listStuckSending(db: Db, before: Date, limit: number) {
  return await db
    .selectFrom("publications")
    .select(["id", "content_item_id", "channel_id", "languages", "idempotency_key", "remote_key", "claimed_by", "claimed_at", "sent_at", "due_at", "deadline_at", "attempts"])
    .where("state", "=", "sending")
    .where("claimed_at", "<", before)
    .orderBy("claimed_at")
    .limit(limit)
    .execute();
}

/** Takes over a stuck claim (compare-and-set on the old owner), so two recoverers never both act. */
export async function takeOverClaim(db: Db, id: string, oldOwner: string | null, newOwner: string, now: Date): Promise<boolean> {
  let q = db.updateTable("publications").set({ claimed_by: newOwner, claimed_at: now }).where("id", "=", id).where("state", "=", "sending");
  q = oldOwner === null ? q.where("claimed_by", "is", null) : q.where("claimed_by", "=", oldOwner);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markChannelNeedsReconnect(db: Db, channelId: string, reason: string): Promise<void> {
  await db.updateTable("channels").set({ needs_reconnect: true, reconnect_reason: reason, updated_at: sql<Date>`now()` }).where("id", "=", channelId).execute();
}

export async function findChannel(db: Db, id: string): Promise<Channel | undefined> {
  return await db.selectFrom("channels").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertOutboxMessage(db: Db, message: { publicationId: string; channelId: string; idempotencyKey: string; payload: unknown }): Promise<{ id: number; duplicate: boolean }> {
  const inserted = await db
    .insertInto("outbox_messages")
    .values({ publication_id: message.publicationId, channel_id: message.channelId, idempotency_key: message.idempotencyKey, payload: JSON.stringify(message.payload) })
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (inserted) return { id: Number(inserted.id), duplicate: false };
  const existing = await db.selectFrom("outbox_messages").select("id").where("idempotency_key", "=", message.idempotencyKey).executeTakeFirstOrThrow();
  return { id: Number(existing.id), duplicate: true };
}

/** insertOutboxMessage for many messages in one statement; a key already there answers with its row. */
export async function insertOutboxMessages(
  db: Db,
  messages: readonly { publicationId: string; channelId: string; idempotencyKey: string; payload: unknown }[],
): Promise<{ id: number; duplicate: boolean }[]> {
  if (messages.length === 0) return [];
  const inserted = await db
    .insertInto("outbox_messages")
    .values(messages.map((m) => ({ publication_id: m.publicationId, channel_id: m.channelId, idempotency_key: m.idempotencyKey, payload: JSON.stringify(m.payload) })))
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .returning(["id", "idempotency_key"])
    .execute();
  const fresh = new Map(inserted.map((r) => [r.idempotency_key, Number(r.id)]));
  const missing = messages.filter((m) => !fresh.has(m.idempotencyKey)).map((m) => m.idempotencyKey);
  const existing =
    missing.length > 0 ? await db.selectFrom("outbox_messages").select(["id", "idempotency_key"]).where("idempotency_key", "in", missing).execute() : [];
  const old = new Map(existing.map((r) => [r.idempotency_key, Number(r.id)]));
  // A key twice in one batch: the first is delivered, the second answers as its duplicate.
  const seen = new Set<string>();
  return messages.map((m) => {
    const first = fresh.has(m.idempotencyKey) && !seen.has(m.idempotencyKey);
    seen.add(m.idempotencyKey);
    const id = fresh.get(m.idempotencyKey) ?? old.get(m.idempotencyKey);
    if (id === undefined) throw new Error(`outbox message ${m.idempotencyKey} neither inserted nor found`);
    return { id, duplicate: !first };
  });
}

export async function findOutboxMessage(db: Db, idempotencyKey: string) {
  return await db.selectFrom("outbox_messages").selectAll().where("idempotency_key", "=", idempotencyKey).executeTakeFirst();
}

export async function listOutboxMessages(db: Db, limit: number) {
  return await db
    .selectFrom("outbox_messages as o")
    .innerJoin("channels as c", "c.id", "o.channel_id")
    .select(["o.id", "o.publication_id", "o.payload", "o.received_at", "c.name as channel_name"])
    .orderBy("o.id", "desc")
    .limit(limit)
    .execute();
}

export interface ItemPublicationRow {
  id: string;
  channelId: string;
  channelName: string;
  network: string;
  languages: string;
  state: PublicationState;
  dueAt: Date;
  sentAt: Date | null;
  publishedAt: Date | null;
  remoteUrl: string | null;
  attempts: number;
  nextAttemptAt: Date | null;
  errorCode: string | null;
  error: string | null;
}

export async function listItemPublications(db: Db, itemId: string): Promise<ItemPublicationRow[]> {
  const rows = await db
    .selectFrom("publications as p")
    .innerJoin("channels as c", "c.id", "p.channel_id")
    .select([
      "p.id",
      "p.channel_id",
      "c.name",
      "c.network",
      "p.languages",
      "p.state",
      "p.due_at",
      "p.sent_at",
      "p.published_at",
      "p.remote_url",
      "p.attempts",
      "p.next_attempt_at",
      "p.last_error_code",
      "p.last_error",
    ])
    .where("p.content_item_id", "=", itemId)
    .where("p.state", "!=", "cancelled")
    .orderBy("c.name")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    channelId: r.channel_id,
    channelName: r.name,
    network: r.network,
    languages: r.languages,
    state: r.state,
    dueAt: r.due_at,
    sentAt: r.sent_at,
    publishedAt: r.published_at,
    remoteUrl: r.remote_url,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    errorCode: r.last_error_code,
    error: r.last_error,
  }));
}

// --- holds ------------------------------------------------------------------------------------

export interface HoldRow {
  id: string;
  scope: "all" | "channel" | "language";
  channelId: string | null;
  channelName: string | null;
  language: "fr" | "nl" | null;
  reason: string;
  heldBy: string;
  heldAt: Date;
}

export async function listLiveHolds(db: Db): Promise<HoldRow[]> {
  const rows = await db
    .selectFrom("publishing_holds as h")
    .innerJoin("users as u", "u.id", "h.held_by")
    .leftJoin("channels as c", "c.id", "h.channel_id")
    .select(["h.id", "h.scope", "h.channel_id", "c.name as channel_name", "h.language", "h.reason", "u.display_name", "h.held_at"])
    .where("h.released_at", "is", null)
    .orderBy("h.held_at")
    .execute();
  return rows.map((r) => ({ id: r.id, scope: r.scope, channelId: r.channel_id, channelName: r.channel_name, language: r.language, reason: r.reason, heldBy: r.display_name, heldAt: r.held_at }));
}

export async function insertHold(db: Db, hold: { scope: "all" | "channel" | "language"; channelId: string | null; language: "fr" | "nl" | null; reason: string; heldBy: string }): Promise<string> {
  const row = await db
    .insertInto("publishing_holds")
    .values({ scope: hold.scope, channel_id: hold.channelId, language: hold.language, reason: hold.reason, held_by: hold.heldBy })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Releases a live hold; returns it as it was, or undefined if it was not live. */
export async function releaseHoldRow(db: Db, id: string, by: string, at: Date) {
  return await db
    .updateTable("publishing_holds")
    .set({ released_by: by, released_at: at })
    .where("id", "=", id)
    .where("released_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * After a hold is released: the waiting publications it covered whose time passed meanwhile (and
 * that no other live hold still covers). They must not go out by themselves, late: they are
 * cancelled and their items marked "held", for a person to reschedule.
 */
export async function takePublicationsMissedDuringHold(db: Db, hold: { scope: string; channel_id: string | null; language: string | null }, now: Date): Promise<string[]> {
  const result = await sql<{ content_item_id: string }>`
    update publications p set state = 'cancelled', last_error_code = 'missed_during_hold',
      last_error = 'its time passed while publishing was held', updated_at = now()
    where p.state = 'scheduled' and p.due_at < ${now}
      and (${hold.scope} = 'all' or (${hold.scope} = 'channel' and p.channel_id = ${hold.channel_id})
           or (${hold.scope} = 'language' and position(${hold.language ?? ""} in p.languages) > 0))
      and not exists (
        select 1 from publishing_holds h where h.released_at is null
          and (h.scope = 'all' or (h.scope = 'channel' and h.channel_id = p.channel_id)
               or (h.scope = 'language' and position(h.language in p.languages) > 0)))
    returning p.content_item_id`.execute(db);
  const items = [...new Set(result.rows.map((r) => r.content_item_id))];
  if (items.length > 0) {
    await db
      .updateTable("content_items")
      .set((eb) => ({ status: "held", version: eb("version", "+", 1), updated_at: sql<Date>`now()` }))
      .where("id", "in", items)
      .where("status", "=", "scheduled")
      .execute();
  }
  return items;
}

export async function listItemsToReschedule(db: Db) {
  return await db
    .selectFrom("content_items as i")
    .select(["i.id", "i.local_date", "i.local_time", "i.version"])
    .where("i.status", "=", "held")
    .orderBy("i.scheduled_at")
    .limit(500)
    .execute();
}

// --- a person's actions on one publication ----------------------------------------------------

export async function findPublication(db: Db, id: string) {
  return await db.selectFrom("publications").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function setPublicationState(
  db: Db,
  id: string,
  fromStates: PublicationState[],
  change: { state: PublicationState; nextAttemptAt?: Date; deadlineAt?: Date; remoteUrl?: string | null; publishedAt?: Date | null; errorCode?: string | null; error?: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable("publications")
    .set({
      state: change.state,
      ...(change.nextAttemptAt ? { next_attempt_at: change.nextAttemptAt } : {}),
      ...(change.deadlineAt ? { deadline_at: change.deadlineAt } : {}),
      ...(change.remoteUrl !== undefined ? { remote_url: change.remoteUrl } : {}),
      ...(change.publishedAt !== undefined ? { published_at: change.publishedAt } : {}),
      ...(change.errorCode !== undefined ? { last_error_code: change.errorCode } : {}),
      ...(change.error !== undefined ? { last_error: change.error } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where("id", "=", id)
    .where("state", "in", fromStates)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// --- health and metrics -----------------------------------------------------------------------

export async function publishingHealthRows(db: Db, now: Date) {
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  const [next, overdue, failures, reconnect] = await Promise.all([
    db.selectFrom("publications").select((eb) => eb.fn.min("next_attempt_at").as("next")).where("state", "=", "scheduled").executeTakeFirst(),
    db
      .selectFrom("publications")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("state", "=", "scheduled")
      .where("next_attempt_at", "<", new Date(now.getTime() - 60_000))
      .executeTakeFirst(),
    db
      .selectFrom("publications as p")
      .innerJoin("channels as c", "c.id", "p.channel_id")
      .innerJoin("content_items as i", "i.id", "p.content_item_id")
      .select(["p.id", "p.content_item_id", "c.name", "c.network", "p.state", "p.last_error_code", "p.last_error", "p.updated_at", "i.local_date", "i.local_time"])
      .where("p.state", "in", ["failed", "unconfirmed"])
      .where("p.updated_at", ">=", dayAgo)
      .orderBy("p.updated_at", "desc")
      .limit(200)
      .execute(),
    db.selectFrom("channels").select(["id", "name", "network", "reconnect_reason"]).where("needs_reconnect", "=", true).orderBy("name").execute(),
  ]);
  return { next: (next?.next) ?? null, overdue: Number(overdue?.n ?? 0), failures, reconnect };
}

export async function setChannelReconnected(db: Db, channelId: string): Promise<void> {
  await db.updateTable("channels").set({ needs_reconnect: false, reconnect_reason: null, updated_at: sql<Date>`now()` }).where("id", "=", channelId).execute();
}

/** Publish lags (seconds) of the publications sent in the last day, and outcomes per network and state. */
/** Publications by their channel's network and their state (the /metrics gauge). */
export async function publicationCountsByState(db: Db): Promise<{ network: string; state: string; count: number }[]> {
  const rows = await db
    .selectFrom("publications as p")
    .innerJoin("channels as c", "c.id", "p.channel_id")
    .select(["c.network", "p.state", (eb) => eb.fn.countAll<string>().as("n")])
    .groupBy(["c.network", "p.state"])
    .execute();
  return rows.map((o) => ({ network: o.network, state: o.state, count: Number(o.n) }));
}
