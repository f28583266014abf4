import type { Visual } from "../../app/domain/visuals";
import { sql, type Insertable } from "kysely";
import type { Db } from "../client";
import { UUID_PATTERN } from "../ids";
import type { ContentItem, ContentItemsTable, ContentLanguage, ItemStatus, VariantStatus, VariantsTable } from "../schema";

export interface PlannedItemRow {
  id: string;
  scheduledAt: Date;
  localDate: string;
  localTime: string;
  status: ItemStatus;
  sourceLanguage: "fr" | "nl";
  version: number;
  /** The French and Dutch texts (cut to `textPreview` characters); "" where a language is missing. */
  texts: { fr: string; nl: string };
  channelIds: string[];
  tagIds: string[];
}

/**
 * The items scheduled in [start, end) with their texts, channels and tags, in one statement: a range
 * scan on content_items_scheduled_at_idx, the rest as correlated scalar sub-selects on primary keys.
 */
export async function listItemsInRange(db: Db, start: Date, end: Date, options: { textPreview?: number } = {}): Promise<PlannedItemRow[]> {
  const rows = await itemsInRangeQuery(db, start, end, options).execute();
  return rows.map((r) => ({
    id: r.id,
    scheduledAt: r.scheduled_at,
    localDate: r.local_date,
    localTime: r.local_time,
    status: r.status,
    sourceLanguage: r.source_language,
    version: r.version,
    texts: { fr: r.fr_text, nl: r.nl_text },
    channelIds: r.channel_ids,
    tagIds: r.tag_ids,
  }));
}

/** The statement behind listItemsInRange. */
function itemsInRangeQuery(db: Db, start: Date, end: Date, options: { textPreview?: number } = {}) {
  const preview = options.textPreview ?? 100_000;
  return db
    .selectFrom("content_items as i")
    .select([
      "i.id",
      "i.scheduled_at",
      "i.local_date",
      "i.local_time",
      "i.status",
      "i.source_language",
      "i.version",
      sql<string>`coalesce((select left(v.text, ${preview}) from variants v where v.content_item_id = i.id and v.language = 'fr'), '')`.as("fr_text"),
      sql<string>`coalesce((select left(v.text, ${preview}) from variants v where v.content_item_id = i.id and v.language = 'nl'), '')`.as("nl_text"),
      sql<string[]>`coalesce((select array_agg(c.channel_id order by c.channel_id) from content_item_channels c where c.content_item_id = i.id), '{}')`.as(
        "channel_ids",
      ),
      sql<string[]>`coalesce((select array_agg(t.recurring_question_id order by t.recurring_question_id) from item_tags t where t.content_item_id = i.id), '{}')`.as(
        "tag_ids",
      ),
    ])
    .where("i.scheduled_at", ">=", start)
    .where("i.scheduled_at", "<", end)
    .where("i.status", "!=", "archived")
    .orderBy("i.scheduled_at")
    .orderBy("i.id");
}

export interface ItemDetail {
  item: ContentItem;
  variants: {
    language: ContentLanguage;
    text: string;
    linkUrl: string | null;
    imageAlt: string | null;
    status: VariantStatus;
    version: number;
    sourceHash: string | null;
    sourceText: string | null;
    visuals: Visual[];
  }[];
  channelIds: string[];
  tagIds: string[];
  authorName: string;
  updatedByName: string | null;
}

export async function findItemDetail(db: Db, id: string): Promise<ItemDetail | undefined> {
  if (!UUID_PATTERN.test(id)) return undefined;
  const item = await db.selectFrom("content_items").selectAll().where("id", "=", id).executeTakeFirst();
  if (!item) return undefined;
  const [variants, channels, tags, people] = await Promise.all([
    db.selectFrom("variants").select(["language", "text", "link_url", "image_alt", "status", "version", "source_hash", "source_text", "visuals"]).where("content_item_id", "=", id).orderBy("language").execute(),
    db.selectFrom("content_item_channels").select("channel_id").where("content_item_id", "=", id).execute(),
    db.selectFrom("item_tags").select("recurring_question_id").where("content_item_id", "=", id).execute(),
    db.selectFrom("users").select(["id", "display_name"]).where("id", "in", [item.author_id, item.updated_by ?? item.author_id]).execute(),
  ]);
  const name = (userId: string | null) => people.find((p) => p.id === userId)?.display_name ?? null;
  return {
    item,
    variants: variants.map((v) => ({
      language: v.language,
      text: v.text,
      linkUrl: v.link_url,
      imageAlt: v.image_alt,
      status: v.status,
      version: v.version,
      sourceHash: v.source_hash,
      sourceText: v.source_text,
      visuals: v.visuals,
    })),
    channelIds: channels.map((c) => c.channel_id),
    tagIds: tags.map((t) => t.recurring_question_id),
    authorName: name(item.author_id) ?? "",
    updatedByName: name(item.updated_by),
  };
}

export async function findContentItem(db: Db, id: string): Promise<ContentItem | undefined> {
  if (!UUID_PATTERN.test(id)) return undefined;
  return await db.selectFrom("content_items").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Locks the item row for the rest of the transaction, so a check-then-write cannot race another writer. */
export async function lockItem(db: Db, id: string): Promise<ContentItem | undefined> {
  if (!UUID_PATTERN.test(id)) return undefined;
  return await db.selectFrom("content_items").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function insertContentItem(
  db: Db,
  item: Insertable<ContentItemsTable>,
  variants: Omit<Insertable<VariantsTable>, "content_item_id">[],
  channelIds: string[],
): Promise<ContentItem> {
  const created = await db.insertInto("content_items").values(item).returningAll().executeTakeFirstOrThrow();
  if (variants.length > 0) {
    await db
      .insertInto("variants")
      .values(variants.map((v) => ({ ...v, content_item_id: created.id })))
      .execute();
  }
  await replaceItemChannels(db, created.id, channelIds);
  return created;
}

/** Moves an item if it is still at `expectedVersion`; undefined when someone changed it meanwhile. */
export async function updateItemSchedule(
  db: Db,
  change: { id: string; expectedVersion: number; scheduledAt: Date; localDate: string; localTime: string; occurrence: "first" | "second"; updatedBy: string },
): Promise<ContentItem | undefined> {
  return await db
    .updateTable("content_items")
    .set((eb) => ({
      scheduled_at: change.scheduledAt,
      local_date: change.localDate,
      local_time: change.localTime,
      occurrence: change.occurrence,
      updated_by: change.updatedBy,
      updated_at: sql<Date>`now()`,
      version: eb("version", "+", 1),
    }))
    .where("id", "=", change.id)
    .where("version", "=", change.expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function updateItemFields(
  db: Db,
  change: {
    id: string;
    expectedVersion: number;
    scheduledAt: Date;
    localDate: string;
    localTime: string;
    occurrence: "first" | "second";
    sourceLanguage: "fr" | "nl";
    status?: ItemStatus;
    updatedBy: string;
  },
): Promise<ContentItem | undefined> {
  return await db
    .updateTable("content_items")
    .set((eb) => ({
      scheduled_at: change.scheduledAt,
      local_date: change.localDate,
      local_time: change.localTime,
      occurrence: change.occurrence,
      source_language: change.sourceLanguage,
      ...(change.status ? { status: change.status } : {}),
      updated_by: change.updatedBy,
      updated_at: sql<Date>`now()`,
      version: eb("version", "+", 1),
    }))
    .where("id", "=", change.id)
    .where("version", "=", change.expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Writes one language's variant. `sourceHash`, `sourceText`, `translatedBy` and `translatedAt` are kept as they
 * are when left undefined. A variant that is not approved loses its approval.
 */
export async function upsertVariant(
  db: Db,
  variant: {
    contentItemId: string;
    language: ContentLanguage;
    text: string;
    linkUrl: string | null;
    imageAlt: string | null;
    status: VariantStatus;
    sourceHash?: string | null;
    sourceText?: string | null;
    translatedBy?: string | null;
    translatedAt?: Date | null;
  },
): Promise<void> {
  const keepApproval = variant.status === "approved";
  await db
    .insertInto("variants")
    .values({
      content_item_id: variant.contentItemId,
      language: variant.language,
      text: variant.text,
      link_url: variant.linkUrl,
      image_alt: variant.imageAlt,
      status: variant.status,
      source_hash: variant.sourceHash ?? null,
      source_text: variant.sourceText ?? null,
      translated_by: variant.translatedBy ?? null,
      translated_at: variant.translatedAt ?? null,
    })
    .onConflict((oc) =>
      oc.columns(["content_item_id", "language"]).doUpdateSet((eb) => ({
        text: eb.ref("excluded.text"),
        link_url: eb.ref("excluded.link_url"),
        image_alt: eb.ref("excluded.image_alt"),
        status: eb.ref("excluded.status"),
        ...(variant.sourceHash !== undefined ? { source_hash: eb.ref("excluded.source_hash") } : {}),
        ...(variant.sourceText !== undefined ? { source_text: eb.ref("excluded.source_text") } : {}),
        ...(variant.translatedBy !== undefined ? { translated_by: eb.ref("excluded.translated_by") } : {}),
        ...(variant.translatedAt !== undefined ? { translated_at: eb.ref("excluded.translated_at") } : {}),
        ...(keepApproval ? {} : { approved_hash: null, approved_by: null, approved_at: null }),
        version: eb("variants.version", "+", 1),
        updated_at: sql<Date>`now()`,
      })),
    )
    .execute();
}

export async function replaceItemChannels(db: Db, contentItemId: string, channelIds: string[]): Promise<void> {
  await db.deleteFrom("content_item_channels").where("content_item_id", "=", contentItemId).execute();
  if (channelIds.length > 0) {
    await db
      .insertInto("content_item_channels")
      .values([...new Set(channelIds)].map((channel_id) => ({ content_item_id: contentItemId, channel_id })))
      .execute();
  }
}

export async function replaceItemTags(db: Db, contentItemId: string, questionIds: string[]): Promise<void> {
  await db.deleteFrom("item_tags").where("content_item_id", "=", contentItemId).execute();
  if (questionIds.length > 0) {
    await db
      .insertInto("item_tags")
      .values([...new Set(questionIds)].map((recurring_question_id) => ({ content_item_id: contentItemId, recurring_question_id })))
      .execute();
  }
}

export async function setItemStatus(db: Db, id: string, expectedVersion: number, status: ItemStatus, updatedBy: string): Promise<ContentItem | undefined> {
  return await db
    .updateTable("content_items")
    .set((eb) => ({ status, updated_by: updatedBy, updated_at: sql<Date>`now()`, version: eb("version", "+", 1) }))
    .where("id", "=", id)
    .where("version", "=", expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteItem(db: Db, id: string, expectedVersion: number): Promise<boolean> {
  const result = await db.deleteFrom("content_items").where("id", "=", id).where("version", "=", expectedVersion).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function countPublishedPublications(db: Db, contentItemId: string): Promise<number> {
  const row = await db
    .selectFrom("publications as p")
    .innerJoin("variants as v", "v.id", "p.variant_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("v.content_item_id", "=", contentItemId)
    .where("p.state", "in", ["published", "sending", "unconfirmed"])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countContentItems(db: Db): Promise<number> {
  const row = await db.selectFrom("content_items").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The items scheduled in [start, end) in full — texts, links and alt texts, channels and tags (the
 * item's read-model columns), occurrence and last change — for the API, the calendar feeds and the
 * spreadsheets; at most `limit`. Archived items are left out.
 */
export async function listItemsWithTexts(db: Db, range: { start: Date; end: Date }, filter: { channelIds: string[]; statuses: string[]; tagSlugs: string[] }, limit: number) {
  const channelFilter = filter.channelIds.length > 0 ? sql`and i.channel_ids && ${filter.channelIds}::uuid[]` : sql``;
  const statusFilter = filter.statuses.length > 0 ? sql`and i.status = any(${filter.statuses}::text[])` : sql``;
  const tagFilter = filter.tagSlugs.length > 0 ? sql`and i.tag_slugs && ${filter.tagSlugs}::text[]` : sql``;
  const result = await sql<{
    id: string;
    version: number;
    status: string;
    local_date: string;
    local_time: string;
    occurrence: "first" | "second";
    scheduled_at: Date;
    source_language: "fr" | "nl";
    updated_at: Date;
    channel_ids: string[];
    tag_slugs: string[];
    fr_text: string | null;
    fr_link: string | null;
    fr_alt: string | null;
    nl_text: string | null;
    nl_link: string | null;
    nl_alt: string | null;
    fr_media: string[] | null;
    nl_media: string[] | null;
  }>`
    select i.id, i.version, i.status, i.local_date, i.local_time, i.occurrence, i.scheduled_at, i.source_language, i.updated_at,
           i.channel_ids, i.tag_slugs,
           fr.text as fr_text, fr.link_url as fr_link, fr.image_alt as fr_alt, nl.text as nl_text, nl.link_url as nl_link, nl.image_alt as nl_alt,
           (select array_agg(coalesce(m.original_name, x.v->>'hash') order by x.n) from jsonb_array_elements(fr.visuals) with ordinality x(v, n)
              left join media_files m on m.hash = x.v->>'hash') as fr_media,
           (select array_agg(coalesce(m.original_name, x.v->>'hash') order by x.n) from jsonb_array_elements(nl.visuals) with ordinality x(v, n)
              left join media_files m on m.hash = x.v->>'hash') as nl_media
    from content_items i
    left join variants fr on fr.content_item_id = i.id and fr.language = 'fr'
    left join variants nl on nl.content_item_id = i.id and nl.language = 'nl'
    where i.scheduled_at >= ${range.start} and i.scheduled_at < ${range.end} and i.status <> 'archived'
      ${channelFilter} ${statusFilter} ${tagFilter}
    order by i.scheduled_at, i.id
    limit ${limit}`.execute(db);
  return result.rows;
}

/** A version's visuals and its row version, as they stand. */
export async function findVariantVisuals(db: Db, contentItemId: string, language: ContentLanguage) {
  return await db.selectFrom("variants").select(["visuals", "version"]).where("content_item_id", "=", contentItemId).where("language", "=", language).executeTakeFirst();
}

/** A version's visuals, replaced as a whole; its approval is withdrawn (an approval is of the exact content). */
export async function setVariantVisuals(db: Db, values: { contentItemId: string; language: ContentLanguage; visuals: readonly Visual[]; expectedVersion: number }) {
  return await db
    .updateTable("variants")
    .set((eb) => ({
      visuals: JSON.stringify(values.visuals),
      status: sql<VariantStatus>`case when status in ('approved', 'submitted') then 'draft' else status end`,
      approved_hash: null,
      approved_by: null,
      approved_at: null,
      version: eb("version", "+", 1),
      updated_at: sql<Date>`now()`,
    }))
    .where("content_item_id", "=", values.contentItemId)
    .where("language", "=", values.language)
    .where("version", "=", values.expectedVersion)
    .returningAll()
    .executeTakeFirst();
}
