import { sql } from "kysely";
import type { CalendarEventData } from "../../app/domain/calendar-event";
import type { Db } from "../client";

export interface CalendarEventFilter {
  channelIds: string[];
  statuses: string[];
  tagSlugs: string[];
}

/** An event as stored; which languages are missing is the domain's call. */
export type CalendarEventRow = Omit<CalendarEventData, "missing">;

/**
 * The events scheduled in [start, end) that pass the filters, ordered by time, in one statement: a
 * range scan on content_items_scheduled_at_idx, then the texts, channels and tags as correlated
 * sub-selects on their primary keys (index-only for channels and tags).
 */
export async function listCalendarEvents(db: Db, range: { start: Date; end: Date }, filter: CalendarEventFilter, previewChars: number): Promise<CalendarEventRow[]> {
  const channelFilter =
    filter.channelIds.length > 0
      ? sql`and exists (select 1 from content_item_channels f where f.content_item_id = i.id and f.channel_id = any(${filter.channelIds}::uuid[]))`
      : sql``;
  const statusFilter = filter.statuses.length > 0 ? sql`and i.status = any(${filter.statuses}::text[])` : sql``;
  const tagFilter =
    filter.tagSlugs.length > 0
      ? sql`and exists (select 1 from item_tags f join recurring_questions q on q.id = f.recurring_question_id
                        where f.content_item_id = i.id and q.slug = any(${filter.tagSlugs}::text[]))`
      : sql``;
  const result = await sql<{
    id: string;
    scheduled_at: Date;
    local_date: string;
    local_time: string;
    status: string;
    version: number;
    fr: string | null;
    nl: string | null;
    channel_ids: string | null;
    tags: string | null;
  }>`
    select i.id, i.scheduled_at, i.local_date, i.local_time, i.status, i.version,
           (select btrim(left(v.text, ${previewChars})) from variants v where v.content_item_id = i.id and v.language = 'fr') as fr,
           (select btrim(left(v.text, ${previewChars})) from variants v where v.content_item_id = i.id and v.language = 'nl') as nl,
           -- lists as space-separated text: uuids and slugs hold no spaces, and text parses faster than arrays
           (select string_agg(c.channel_id::text, ' ' order by c.channel_id) from content_item_channels c where c.content_item_id = i.id) as channel_ids,
           (select string_agg(q.slug, ' ' order by q.slug) from item_tags t join recurring_questions q on q.id = t.recurring_question_id
             where t.content_item_id = i.id) as tags
    from content_items i
    where i.scheduled_at >= ${range.start} and i.scheduled_at < ${range.end} and i.status <> 'archived'
      ${channelFilter} ${statusFilter} ${tagFilter}
    order by i.scheduled_at, i.id`.execute(db);
  return result.rows.map((r) => ({
    id: r.id,
    start: r.scheduled_at.toISOString(),
    localDate: r.local_date,
    localTime: r.local_time,
    status: r.status,
    version: r.version,
    texts: { fr: r.fr ?? "", nl: r.nl ?? "" },
    channelIds: r.channel_ids ? r.channel_ids.split(" ") : [],
    tags: r.tags ? r.tags.split(" ") : [],
  }));
}

/**
 * For the coverage of the posts scheduled in [start, end): each Brussels date, channel and status
 * that has at least one post. A month has at most a few hundred of these, however many posts it holds.
 */
export async function channelDaysWithPosts(db: Db, range: { start: Date; end: Date }): Promise<{ localDate: string; channelId: string; status: string }[]> {
  const rows = await db
    .selectFrom("content_items as i")
    .innerJoin("content_item_channels as c", "c.content_item_id", "i.id")
    .select(["i.local_date", "c.channel_id", "i.status"])
    .distinct()
    .where("i.scheduled_at", ">=", range.start)
    .where("i.scheduled_at", "<", range.end)
    .execute();
  return rows.map((r) => ({ localDate: r.local_date, channelId: r.channel_id, status: r.status }));
}
