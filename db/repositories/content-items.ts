import type { Insertable } from "kysely";
import type { Db } from "../client";
import type { ContentItem, ContentItemsTable, VariantsTable } from "../schema";

export interface PlannedItemRow {
  id: string;
  scheduledAt: Date;
  localDate: string;
  localTime: string;
  status: ContentItem["status"];
  sourceLanguage: "fr" | "nl";
  version: number;
  variants: { language: "fr" | "nl" | "de"; text: string; status: string }[];
  channelIds: string[];
}

/**
 * The items scheduled in [start, end), with their variants and channels, in three queries
 * (one indexed range scan on content_items.scheduled_at, two lookups by item id).
 */
export async function listItemsInRange(db: Db, start: Date, end: Date): Promise<PlannedItemRow[]> {
  const items = await db
    .selectFrom("content_items")
    .select(["id", "scheduled_at", "local_date", "local_time", "status", "source_language", "version"])
    .where("scheduled_at", ">=", start)
    .where("scheduled_at", "<", end)
    .where("status", "!=", "archived")
    .orderBy("scheduled_at")
    .orderBy("id")
    .execute();
  if (items.length === 0) return [];
  const ids = items.map((i) => i.id);
  const [variants, channels] = await Promise.all([
    db.selectFrom("variants").select(["content_item_id", "language", "text", "status"]).where("content_item_id", "in", ids).execute(),
    db.selectFrom("content_item_channels").select(["content_item_id", "channel_id"]).where("content_item_id", "in", ids).execute(),
  ]);
  const byItem = new Map<string, PlannedItemRow>();
  const rows = items.map((i) => {
    const row: PlannedItemRow = {
      id: i.id,
      scheduledAt: i.scheduled_at,
      localDate: i.local_date,
      localTime: i.local_time,
      status: i.status,
      sourceLanguage: i.source_language,
      version: i.version,
      variants: [],
      channelIds: [],
    };
    byItem.set(i.id, row);
    return row;
  });
  for (const v of variants) byItem.get(v.content_item_id)?.variants.push({ language: v.language, text: v.text, status: v.status });
  for (const c of channels) byItem.get(c.content_item_id)?.channelIds.push(c.channel_id);
  return rows;
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
  if (channelIds.length > 0) {
    await db
      .insertInto("content_item_channels")
      .values(channelIds.map((channel_id) => ({ content_item_id: created.id, channel_id })))
      .execute();
  }
  return created;
}

export async function countContentItems(db: Db): Promise<number> {
  const row = await db.selectFrom("content_items").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}
