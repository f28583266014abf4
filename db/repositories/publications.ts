import { sql } from "kysely";
import type { Db } from "../client";
import type { PublicationState } from "../schema";

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
