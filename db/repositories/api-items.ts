import { sql } from "kysely";
import type { Db } from "../client";

/** Items scheduled in [start, end) for the API's list: full texts, channels and tags, at most `limit`. */
export async function listItemsForApi(db: Db, range: { start: Date; end: Date }, filter: { channelIds: string[]; statuses: string[]; tagSlugs: string[] }, limit: number) {
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
  }>`
    select i.id, i.version, i.status, i.local_date, i.local_time, i.occurrence, i.scheduled_at, i.source_language, i.updated_at,
           i.channel_ids, i.tag_slugs,
           fr.text as fr_text, fr.link_url as fr_link, fr.image_alt as fr_alt, nl.text as nl_text, nl.link_url as nl_link, nl.image_alt as nl_alt
    from content_items i
    left join variants fr on fr.content_item_id = i.id and fr.language = 'fr'
    left join variants nl on nl.content_item_id = i.id and nl.language = 'nl'
    where i.scheduled_at >= ${range.start} and i.scheduled_at < ${range.end} and i.status <> 'archived'
      ${channelFilter} ${statusFilter} ${tagFilter}
    order by i.scheduled_at, i.id
    limit ${limit}`.execute(db);
  return result.rows;
}
