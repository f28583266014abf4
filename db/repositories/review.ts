import { sql } from "kysely";
import type { Db } from "../client";
import type { MediaFileFacts } from "../../app/domain/network-media";
import type { Channel, ContentItem, ExceptionStatus, ItemStatus, Variant } from "../schema";

export interface PairRows {
  item: ContentItem;
  variants: Variant[];
  channels: Channel[];
  /** The facts of the files its versions show (sizes, durations: the networks' rules read them). */
  mediaFiles: Record<string, MediaFileFacts>;
  exception: { id: string; language: "fr" | "nl"; reason: string; status: ExceptionStatus; requestedBy: string; requestedAt: Date } | null;
}

/** The library's facts of the files these versions show (one query, none without visuals). */
async function mediaFactsOf(db: Db, variants: readonly Variant[]): Promise<Record<string, MediaFileFacts>> {
  const hashes = [...new Set(variants.flatMap((v) => (v.visuals ?? []).map((x) => x.hash)))];
  if (hashes.length === 0) return {};
  const rows = await db.selectFrom("media_files").select(["hash", "kind", "format", "bytes", "width", "height", "duration_ms"]).where("hash", "in", hashes).execute();
  return Object.fromEntries(rows.map((r) => [r.hash, { kind: r.kind, format: r.format, bytes: Number(r.bytes), width: r.width, height: r.height, durationMs: r.duration_ms }]));
}

/** An item with everything the parity rule reads: variants, channels, and its live exception. */
export async function findPairRows(db: Db, itemId: string): Promise<PairRows | undefined> {
  const item = await db.selectFrom("content_items").selectAll().where("id", "=", itemId).executeTakeFirst();
  if (!item) return undefined;
  const [variants, channels, exception] = await Promise.all([
    db.selectFrom("variants").selectAll().where("content_item_id", "=", itemId).orderBy("language").execute(),
    db
      .selectFrom("channels as c")
      .innerJoin("content_item_channels as ic", "ic.channel_id", "c.id")
      .selectAll("c")
      .where("ic.content_item_id", "=", itemId)
      .orderBy("c.name")
      .execute(),
    db.selectFrom("parity_exceptions").selectAll().where("content_item_id", "=", itemId).where("status", "in", ["requested", "approved"]).executeTakeFirst(),
  ]);
  return {
    item,
    variants,
    channels,
    mediaFiles: await mediaFactsOf(db, variants),
    exception: exception
      ? { id: exception.id, language: exception.language, reason: exception.reason, status: exception.status, requestedBy: exception.requested_by, requestedAt: exception.requested_at }
      : null,
  };
}

/** findPairRows for many items at once (the publisher reads a whole claimed batch in four queries). */
export async function findPairRowsMany(db: Db, itemIds: string[]): Promise<Map<string, PairRows>> {
  const out = new Map<string, PairRows>();
  if (itemIds.length === 0) return out;
  const ids = [...new Set(itemIds)];
  const [items, variants, channels, exceptions] = await Promise.all([
    db.selectFrom("content_items").selectAll().where("id", "in", ids).execute(),
    db.selectFrom("variants").selectAll().where("content_item_id", "in", ids).orderBy("language").execute(),
    db
      .selectFrom("channels as c")
      .innerJoin("content_item_channels as ic", "ic.channel_id", "c.id")
      .selectAll("c")
      .select("ic.content_item_id")
      .where("ic.content_item_id", "in", ids)
      .orderBy("c.name")
      .execute(),
    db.selectFrom("parity_exceptions").selectAll().where("content_item_id", "in", ids).where("status", "in", ["requested", "approved"]).execute(),
  ]);
  const files = await mediaFactsOf(db, variants);
  for (const item of items) {
    const e = exceptions.find((x) => x.content_item_id === item.id);
    const own = variants.filter((v) => v.content_item_id === item.id);
    const hashes = new Set(own.flatMap((v) => (v.visuals ?? []).map((x) => x.hash)));
    out.set(item.id, {
      item,
      variants: own,
      mediaFiles: Object.fromEntries(Object.entries(files).filter(([h]) => hashes.has(h))),
      channels: channels.filter((c) => c.content_item_id === item.id).map(({ content_item_id: _, ...c }) => c),
      exception: e ? { id: e.id, language: e.language, reason: e.reason, status: e.status, requestedBy: e.requested_by, requestedAt: e.requested_at } : null,
    });
  }
  return out;
}

/** Sets an item's status and counts it as a change (version + 1), unless the caller already did. */
export async function updateItemStatus(db: Db, id: string, status: ItemStatus, updatedBy: string, options: { countAsVersion?: boolean } = {}): Promise<ContentItem> {
  const count = options.countAsVersion ?? true;
  return await db
    .updateTable("content_items")
    .set((eb) => ({ status, updated_by: updatedBy, updated_at: sql<Date>`now()`, version: count ? eb("version", "+", 1) : eb.ref("version") }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setVariantsSubmitted(db: Db, variantIds: string[]): Promise<void> {
  if (variantIds.length === 0) return;
  await db
    .updateTable("variants")
    .set((eb) => ({ status: "submitted", rejection_comment: null, version: eb("version", "+", 1), updated_at: sql<Date>`now()` }))
    .where("id", "in", variantIds)
    .execute();
}

export async function setVariantApproved(db: Db, variantId: string, approval: { hash: string; by: string; at: Date }): Promise<void> {
  await db
    .updateTable("variants")
    .set((eb) => ({
      status: "approved",
      approved_hash: approval.hash,
      approved_by: approval.by,
      approved_at: approval.at,
      rejection_comment: null,
      version: eb("version", "+", 1),
      updated_at: sql<Date>`now()`,
    }))
    .where("id", "=", variantId)
    .execute();
}

export async function setVariantRejected(db: Db, variantId: string, comment: string): Promise<void> {
  await db
    .updateTable("variants")
    .set((eb) => ({
      status: "rejected",
      rejection_comment: comment,
      approved_hash: null,
      approved_by: null,
      approved_at: null,
      version: eb("version", "+", 1),
      updated_at: sql<Date>`now()`,
    }))
    .where("id", "=", variantId)
    .execute();
}

export async function setGermanEnabled(db: Db, itemId: string, enabled: boolean): Promise<void> {
  await db.updateTable("content_items").set({ german_enabled: enabled }).where("id", "=", itemId).execute();
}

// --- comments ---------------------------------------------------------------------------------

export interface CommentRow {
  id: string;
  authorName: string;
  body: string;
  createdAt: Date;
}

export async function insertComment(db: Db, comment: { itemId: string; authorId: string; body: string }): Promise<string> {
  const row = await db
    .insertInto("item_comments")
    .values({ content_item_id: comment.itemId, author_id: comment.authorId, body: comment.body })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listComments(db: Db, itemId: string): Promise<CommentRow[]> {
  const rows = await db
    .selectFrom("item_comments as c")
    .innerJoin("users as u", "u.id", "c.author_id")
    .select(["c.id", "u.display_name", "c.body", "c.created_at"])
    .where("c.content_item_id", "=", itemId)
    .orderBy("c.created_at")
    .orderBy("c.id")
    .execute();
  return rows.map((r) => ({ id: r.id, authorName: r.display_name, body: r.body, createdAt: r.created_at }));
}

// --- exceptions -------------------------------------------------------------------------------

export async function insertException(db: Db, exception: { itemId: string; language: "fr" | "nl"; reason: string; requestedBy: string }): Promise<string> {
  const row = await db
    .insertInto("parity_exceptions")
    .values({ content_item_id: exception.itemId, language: exception.language, reason: exception.reason, requested_by: exception.requestedBy })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function decideException(
  db: Db,
  id: string,
  decision: { status: "approved" | "rejected" | "withdrawn"; by: string; at: Date; comment: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable("parity_exceptions")
    .set({ status: decision.status, decided_by: decision.by, decided_at: decision.at, decision_comment: decision.comment })
    .where("id", "=", id)
    .where("status", "in", decision.status === "withdrawn" ? ["requested", "approved"] : ["requested"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// --- settings ---------------------------------------------------------------------------------

export async function readSettings(db: Db): Promise<Record<string, unknown>> {
  const rows = await db.selectFrom("settings").select(["key", "value"]).execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export async function writeSetting(db: Db, key: string, value: unknown, updatedBy: string): Promise<void> {
  await db
    .insertInto("settings")
    .values({ key, value: JSON.stringify(value), updated_by: updatedBy })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(value), updated_by: updatedBy, updated_at: sql<Date>`now()` }))
    .execute();
}

// --- queues and reports -----------------------------------------------------------------------

export interface WorkRow {
  id: string;
  scheduledAt: Date;
  localDate: string;
  localTime: string;
  status: ItemStatus;
  version: number;
  sourceLanguage: "fr" | "nl";
  germanEnabled: boolean;
  authorId: string;
  authorName: string;
  variants: Pick<Variant, "id" | "language" | "text" | "link_url" | "image_alt" | "status" | "source_hash" | "approved_hash" | "rejection_comment" | "translated_at">[];
  channels: Pick<Channel, "id" | "network" | "language" | "active" | "name">[];
  exception: { language: "fr" | "nl"; status: ExceptionStatus; reason: string } | null;
}

/**
 * Items still being prepared (draft, in translation, awaiting approval, scheduled) whose
 * publication is at or after `from`, with their variants, channels and live exception, by date.
 * Optionally only up to `to` (exclusive), or only some ids.
 */
export async function listWorkItems(
  db: Db,
  filter: { from?: Date; to?: Date; ids?: string[]; statuses?: ItemStatus[]; authorId?: string; withRejectedVariant?: boolean },
): Promise<WorkRow[]> {
  let q = db
    .selectFrom("content_items as i")
    .innerJoin("users as u", "u.id", "i.author_id")
    .select(["i.id", "i.scheduled_at", "i.local_date", "i.local_time", "i.status", "i.version", "i.source_language", "i.german_enabled", "i.author_id", "u.display_name"])
    .where("i.status", "in", filter.statuses ?? ["draft", "in_translation", "awaiting_approval", "scheduled"]);
  if (filter.from) q = q.where("i.scheduled_at", ">=", filter.from);
  if (filter.to) q = q.where("i.scheduled_at", "<", filter.to);
  if (filter.authorId) q = q.where("i.author_id", "=", filter.authorId);
  if (filter.withRejectedVariant) q = q.where((eb) => eb.exists(eb.selectFrom("variants as rv").select("rv.id").whereRef("rv.content_item_id", "=", "i.id").where("rv.status", "=", "rejected")));
  if (filter.ids) q = q.where("i.id", "in", filter.ids.length > 0 ? filter.ids : ["00000000-0000-0000-0000-000000000000"]);
  const items = await q.orderBy("i.scheduled_at").orderBy("i.id").limit(2_000).execute();
  if (items.length === 0) return [];
  const ids = items.map((i) => i.id);
  const [variants, channels, exceptions] = await Promise.all([
    db
      .selectFrom("variants")
      .select(["id", "content_item_id", "language", "text", "link_url", "image_alt", "status", "source_hash", "approved_hash", "rejection_comment", "translated_at"])
      .where("content_item_id", "in", ids)
      .execute(),
    db
      .selectFrom("content_item_channels as ic")
      .innerJoin("channels as c", "c.id", "ic.channel_id")
      .select(["ic.content_item_id", "c.id", "c.network", "c.language", "c.active", "c.name"])
      .where("ic.content_item_id", "in", ids)
      .execute(),
    db
      .selectFrom("parity_exceptions")
      .select(["content_item_id", "language", "status", "reason"])
      .where("content_item_id", "in", ids)
      .where("status", "in", ["requested", "approved"])
      .execute(),
  ]);
  return items.map((i) => {
    const e = exceptions.find((x) => x.content_item_id === i.id);
    return {
      id: i.id,
      scheduledAt: i.scheduled_at,
      localDate: i.local_date,
      localTime: i.local_time,
      status: i.status,
      version: i.version,
      sourceLanguage: i.source_language,
      germanEnabled: i.german_enabled,
      authorId: i.author_id,
      authorName: i.display_name,
      variants: variants.filter((v) => v.content_item_id === i.id),
      channels: channels.filter((c) => c.content_item_id === i.id).map((c) => ({ id: c.id, network: c.network, language: c.language, active: c.active, name: c.name })),
      exception: e ? { language: e.language, status: e.status, reason: e.reason } : null,
    };
  });
}

/** Per network and language, how many posts of the month's items go (or went) out. */
export async function parityCounts(db: Db, range: { start: Date; end: Date }): Promise<{ network: string; language: string; items: number }[]> {
  const result = await sql<{ network: string; language: string; items: number }>`
    select c.network, l.language, count(distinct i.id)::int as items
    from content_items i
    join content_item_channels ic on ic.content_item_id = i.id
    join channels c on c.id = ic.channel_id
    cross join lateral (
      select v.language from variants v
      where v.content_item_id = i.id and v.language in ('fr', 'nl') and btrim(v.text) <> ''
        and (c.language = 'bilingual' or c.language = v.language)
    ) l
    where i.scheduled_at >= ${range.start} and i.scheduled_at < ${range.end}
      and i.status in ('scheduled', 'published', 'partly_failed', 'held')
    group by c.network, l.language
    order by c.network, l.language`.execute(db);
  return result.rows;
}

/** The month's items published (or to be) in one language only, with their exception. */
export async function oneLanguageItems(db: Db, range: { start: Date; end: Date }) {
  return await db
    .selectFrom("parity_exceptions as e")
    .innerJoin("content_items as i", "i.id", "e.content_item_id")
    .innerJoin("users as r", "r.id", "e.requested_by")
    .leftJoin("users as d", "d.id", "e.decided_by")
    .select(["i.id", "i.local_date", "i.local_time", "i.status", "e.language", "e.reason", "e.status as exception_status", "r.display_name as requested_by", "d.display_name as decided_by"])
    .where("i.scheduled_at", ">=", range.start)
    .where("i.scheduled_at", "<", range.end)
    .where("e.status", "in", ["requested", "approved"])
    .orderBy("i.scheduled_at")
    .execute();
}
