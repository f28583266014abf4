import type { Db } from "../client";

/** A publication that went out, with its channel: one line of the month's archive. */
export async function listPublishedBetween(db: Db, start: Date, end: Date) {
  return await db
    .selectFrom("publications as p")
    .innerJoin("channels as c", "c.id", "p.channel_id")
    .select([
      "p.id",
      "p.content_item_id",
      "p.languages",
      "p.published_at",
      "p.sent_at",
      "p.sent_text",
      "p.sent_link",
      "p.remote_id",
      "p.remote_url",
      "p.attempts",
      "p.media_ids",
      "c.id as channel_id",
      "c.name as channel_name",
      "c.network as channel_network",
      "c.handle as channel_handle",
      "c.language as channel_language",
    ])
    .where("p.state", "=", "published")
    .where("p.published_at", ">=", start)
    .where("p.published_at", "<", end)
    .orderBy("p.published_at")
    .orderBy("c.name")
    .orderBy("p.id")
    .execute();
}

/** The items behind those publications, with their author. */
export async function listArchiveItems(db: Db, itemIds: readonly string[]) {
  if (itemIds.length === 0) return [];
  return await db
    .selectFrom("content_items as i")
    .innerJoin("users as a", "a.id", "i.author_id")
    .select(["i.id", "i.scheduled_at", "i.local_date", "i.local_time", "i.source_language", "i.status", "a.display_name as author_name", "a.email as author_email"])
    .where("i.id", "in", itemIds)
    .execute();
}

/** Each item's language versions, with who translated and who approved them, and when. */
export async function listArchiveVariants(db: Db, itemIds: readonly string[]) {
  if (itemIds.length === 0) return [];
  return await db
    .selectFrom("variants as v")
    .leftJoin("users as t", "t.id", "v.translated_by")
    .leftJoin("users as ap", "ap.id", "v.approved_by")
    .select([
      "v.content_item_id",
      "v.language",
      "v.text",
      "v.link_url",
      "v.image_alt",
      "v.visuals",
      "t.display_name as translated_by",
      "v.translated_at",
      "ap.display_name as approved_by",
      "v.approved_at",
    ])
    .where("v.content_item_id", "in", itemIds)
    .orderBy("v.content_item_id")
    .orderBy("v.language")
    .execute();
}

/** One-language exceptions asked for those items, whatever was decided. */
export async function listArchiveExceptions(db: Db, itemIds: readonly string[]) {
  if (itemIds.length === 0) return [];
  return await db
    .selectFrom("parity_exceptions as e")
    .innerJoin("users as r", "r.id", "e.requested_by")
    .leftJoin("users as d", "d.id", "e.decided_by")
    .select([
      "e.content_item_id",
      "e.language",
      "e.reason",
      "e.status",
      "r.display_name as requested_by",
      "e.requested_at",
      "d.display_name as decided_by",
      "e.decided_at",
      "e.decision_comment",
    ])
    .where("e.content_item_id", "in", itemIds)
    .orderBy("e.requested_at")
    .execute();
}

/** Publications a person confirmed as published after checking by hand (from the audit trail). */
export async function listManualConfirmations(db: Db, itemIds: readonly string[]) {
  if (itemIds.length === 0) return [];
  return await db
    .selectFrom("audit_events")
    .select(["subject_id", "actor_label", "occurred_at", "after"])
    .where("action", "=", "publication.confirmed")
    .where("subject_type", "=", "content_item")
    .where("subject_id", "in", itemIds)
    .orderBy("id")
    .execute();
}

/** The answers to citizens that went out in a period, with who wrote them and who approved them (never the citizen). */
export async function listAnswersSentBetween(db: Db, start: Date, end: Date) {
  return await db
    .selectFrom("inbox_replies as r")
    .innerJoin("conversations as c", "c.id", "r.conversation_id")
    .innerJoin("channels as ch", "ch.id", "c.channel_id")
    .innerJoin("users as a", "a.id", "r.author_id")
    .leftJoin("users as d", "d.id", "r.decided_by")
    .select(["r.id", "r.conversation_id", "r.text", "r.remote_id", "r.remote_url", "r.sent_at", "r.decided_at", "c.language", "ch.id as channel_id", "ch.name as channel_name", "ch.network as channel_network", "ch.handle as channel_handle", "a.display_name as author_name", "d.display_name as approver_name"])
    .where("r.state", "=", "sent")
    .where("r.sent_at", ">=", start)
    .where("r.sent_at", "<", end)
    .orderBy("r.sent_at")
    .orderBy("r.id")
    .execute();
}

/** The library's names and formats of these files (the archive names each published visual). */
export async function listArchiveMediaFiles(db: Db, hashes: readonly string[]) {
  if (hashes.length === 0) return [];
  return await db.selectFrom("media_files").select(["hash", "kind", "format", "original_name", "bytes"]).where("hash", "in", hashes).execute();
}
