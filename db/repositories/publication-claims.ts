import { sql, type RawBuilder } from "kysely";
import type { Db } from "../client";
import type { PublicationLanguages } from "./publications";

/**
 * The publisher's claims (decision 0018): due publications claimed with FOR UPDATE SKIP LOCKED, the
 * call's start recorded only while the claim is the worker's own (the fence), the outcome recorded by
 * its owner, and stuck claims taken over by recovery after their lease.
 */

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

/** In a batch update joined to `v` (one row per claim): the claim is still "sending" and still its worker's. */
const STILL_OWN_CLAIM = sql`p.state = 'sending' and p.claimed_by = v.worker_id`;

/** Whether each of `rows`, in order, is among the rows an update returned. */
function updatedInOrder(rows: readonly { id: string }[], updated: readonly { id: string }[]): boolean[] {
  const ids = new Set(updated.map((r) => r.id));
  return rows.map((r) => ids.has(r.id));
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
    where p.id = v.id and ${STILL_OWN_CLAIM}
    returning p.id`.execute(db);
  return updatedInOrder(rows, result.rows);
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
    where p.id = v.id and ${STILL_OWN_CLAIM}
    returning p.id`.execute(db);
  return updatedInOrder(rows, result.rows);
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
