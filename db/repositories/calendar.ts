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

interface EventRecord {
  id: string;
  start_ms: number;
  local_date: string;
  local_time: string;
  status: string;
  version: number;
  preview_fr: string;
  preview_nl: string;
  channel_ids: string;
  tags: string;
  thumb_hash: string | null;
}

// Lists as space-separated text: uuids and slugs hold no spaces, and text parses faster than arrays.
// The instant as epoch milliseconds: a number to the driver, where a timestamptz is a date to parse.
const EVENT_COLUMNS = sql`i.id, (extract(epoch from i.scheduled_at) * 1000)::float8 as start_ms, i.local_date, i.local_time, i.status, i.version,
  i.preview_fr, i.preview_nl, array_to_string(i.channel_ids, ' ') as channel_ids, array_to_string(i.tag_slugs, ' ') as tags, i.thumb_hash`;

/** The items scheduled in [start, end) that pass the filters (archived ones never do). */
function eventConditions(range: { start: Date; end: Date }, filter: CalendarEventFilter) {
  const channelFilter = filter.channelIds.length > 0 ? sql`and i.channel_ids && ${filter.channelIds}::uuid[]` : sql``;
  const statusFilter = filter.statuses.length > 0 ? sql`and i.status = any(${filter.statuses}::text[])` : sql``;
  const tagFilter = filter.tagSlugs.length > 0 ? sql`and i.tag_slugs && ${filter.tagSlugs}::text[]` : sql``;
  return sql`i.scheduled_at >= ${range.start} and i.scheduled_at < ${range.end} and i.status <> 'archived' ${channelFilter} ${statusFilter} ${tagFilter}`;
}

function toEventRow(r: EventRecord): CalendarEventRow {
  return {
    id: r.id,
    start: r.start_ms,
    localDate: r.local_date,
    localTime: r.local_time,
    status: r.status,
    version: r.version,
    texts: { fr: r.preview_fr, nl: r.preview_nl },
    channelIds: r.channel_ids ? r.channel_ids.split(" ") : [],
    tags: r.tags ? r.tags.split(" ") : [],
    thumb: r.thumb_hash,
  };
}

/**
 * The events scheduled in [start, end) that pass the filters, ordered by time, in one statement: a
 * range scan on content_items_scheduled_at_idx and nothing else. The first words of each text, the
 * channels and the tags are the item's read-model columns, kept by triggers (migration 0006).
 */
export async function listCalendarEvents(db: Db, range: { start: Date; end: Date }, filter: CalendarEventFilter): Promise<CalendarEventRow[]> {
  const result = await sql<EventRecord>`
    select ${EVENT_COLUMNS}
    from content_items i
    where ${eventConditions(range, filter)}
    order by i.scheduled_at, i.id`.execute(db);
  return result.rows.map(toEventRow);
}

/** The month grid's statement (listMonthGridEvents runs it, monthGridPlan explains it). */
function monthGridQuery(range: { start: Date; end: Date }, filter: CalendarEventFilter, perDay: number) {
  return sql<EventRecord & { day_total: number }>`
    select ${EVENT_COLUMNS}, i.day_total
    from (
      select i.id, i.scheduled_at, i.local_date, i.local_time, i.status, i.version, i.preview_fr, i.preview_nl, i.channel_ids, i.tag_slugs, i.thumb_hash,
             row_number() over (partition by i.local_date order by i.scheduled_at, i.id) as day_rank,
             (count(*) over (partition by i.local_date))::int as day_total
      from content_items i
      where ${eventConditions(range, filter)}
    ) i
    where i.day_rank <= ${perDay}
    order by i.scheduled_at, i.id`;
}

/**
 * What a month grid draws: of the events that pass the filters, the first `perDay` of each Brussels
 * date by time (then id), and how many each date holds in all. Same range scan as
 * listCalendarEvents; the posts a cell could never show stay in the database, counted.
 */
export async function listMonthGridEvents(
  db: Db,
  range: { start: Date; end: Date },
  filter: CalendarEventFilter,
  perDay: number
): Promise<{ events: CalendarEventRow[]; totalsByDate: Map<string, number> }> {
  const result = await monthGridQuery(range, filter, perDay).execute(db);
  const totalsByDate = new Map<string, number>();
  for (const r of result.rows) totalsByDate.set(r.local_date, r.day_total);
  return { events: result.rows.map(toEventRow), totalsByDate };
}

/** PostgreSQL's plan for listMonthGridEvents' statement, one line each (the benchmark checks it uses the index). */
export async function monthGridPlan(db: Db, range: { start: Date; end: Date }, filter: CalendarEventFilter, perDay: number): Promise<string[]> {
  const result = await sql<{ "QUERY PLAN": string }>`explain ${monthGridQuery(range, filter, perDay)}`.execute(db);
  return result.rows.map((r) => r["QUERY PLAN"]);
}

/**
 * For the coverage of the posts scheduled in [start, end): each Brussels date, channel and status
 * that has at least one post. A month has at most a few hundred of these, however many posts it holds.
 */
export async function channelDaysWithPosts(db: Db, range: { start: Date; end: Date }): Promise<{ localDate: string; channelId: string; status: string }[]> {
  const result = await sql<{ local_date: string; channel_id: string; status: string }>`
    select distinct i.local_date, c.channel_id, i.status
    from content_items i cross join lateral unnest(i.channel_ids) as c(channel_id)
    where i.scheduled_at >= ${range.start} and i.scheduled_at < ${range.end}`.execute(db);
  return result.rows.map((r) => ({ localDate: r.local_date, channelId: r.channel_id, status: r.status }));
}

export interface CalendarSideData {
  channels: { id: string; name: string; network: string; language: string }[];
  questions: { id: string; slug: string; labelFr: string; labelNl: string }[];
  dayNotes: { id: string; localDate: string; textFr: string; textNl: string; version: number }[];
}

/**
 * What the calendar shows beside its events, in one round trip: the active channels, the recurring
 * questions (for the tag filter) and the day notes of [fromDate, toDate].
 */
export async function calendarSideData(db: Db, fromDate: string, toDate: string): Promise<CalendarSideData> {
  const result = await sql<{ data: CalendarSideData }>`
    select json_build_object(
      'channels', coalesce((select json_agg(json_build_object('id', c.id, 'name', c.name, 'network', c.network, 'language', c.language)
                                            order by c.network, c.language, c.name)
                            from channels c where c.active), '[]'),
      'questions', coalesce((select json_agg(json_build_object('id', q.id, 'slug', q.slug, 'labelFr', q.label_fr, 'labelNl', q.label_nl)
                                             order by q.monthly_volume desc, q.slug)
                             from recurring_questions q), '[]'),
      'dayNotes', coalesce((select json_agg(json_build_object('id', n.id, 'localDate', n.local_date, 'textFr', n.text_fr, 'textNl', n.text_nl, 'version', n.version)
                                            order by n.local_date, n.created_at)
                            from day_notes n where n.local_date between ${fromDate}::date and ${toDate}::date), '[]')
    ) as data`.execute(db);
  return result.rows[0]!.data;
}
