import { sql } from "kysely";
import type { Db } from "../client";
import type { Channel, MetricMoment } from "../schema";

/**
 * The code a publication's post carries for its link, created once (a retry, a recovery or a
 * second scheduler gets the same one); the target follows the link the post has now.
 */
export async function ensureTrackedLink(db: Db, publicationId: string, target: string, newCode: string): Promise<string> {
  const row = await db
    .insertInto("tracked_links")
    .values({ code: newCode, publication_id: publicationId, target_url: target })
    .onConflict((oc) => oc.column("publication_id").doUpdateSet({ target_url: (eb) => eb.ref("excluded.target_url") }))
    .returning("code")
    .executeTakeFirstOrThrow();
  return row.code;
}

/** What a code leads to, with what the UTM parameters say: the network, the languages, the month it went out. */
export async function findTrackedLink(db: Db, code: string): Promise<{ target: string; network: string; languages: string; dueAt: Date } | undefined> {
  return await db
    .selectFrom("tracked_links as t")
    .innerJoin("publications as p", "p.id", "t.publication_id")
    .innerJoin("channels as c", "c.id", "p.channel_id")
    .select(["t.target_url as target", "c.network", "p.languages", "p.due_at as dueAt"])
    .where("t.code", "=", code)
    .executeTakeFirst();
}

/** Clicks counted since the last write, in one statement (three array parameters, however many clicks). */
export async function insertClicks(db: Db, clicks: readonly { code: string; at: Date; bot: boolean }[]): Promise<void> {
  if (clicks.length === 0) return;
  await sql`
    insert into link_clicks (code, clicked_at, bot)
    select * from unnest(${clicks.map((c) => c.code)}::text[], ${clicks.map((c) => c.at.toISOString())}::timestamptz[], ${clicks.map((c) => c.bot)}::boolean[])`.execute(db);
}

/**
 * One reading per publication and moment; a reading already stored (a resumed round) is kept, not
 * doubled. A new 7-day reading with engagement is added to its days-and-hours cell in the same
 * statement (a reading that lost the race adds nothing). Returns how many readings were new.
 */
export async function insertReadings(
  db: Db,
  readings: readonly { publicationId: string; moment: MetricMoment; at: Date; likes: number | null; reposts: number | null; replies: number | null; quotes: number | null; impressions: number | null; views: number | null }[],
): Promise<number> {
  if (readings.length === 0) return 0;
  const r = await sql<{ n: number }>`
    with inserted as (
      insert into publication_metrics (publication_id, moment, read_at, likes, reposts, replies, quotes, impressions, views)
      values ${sql.join(readings.map((m) => sql`(${m.publicationId}::uuid, ${m.moment}, ${m.at}, ${m.likes}::int, ${m.reposts}::int, ${m.replies}::int, ${m.quotes}::int, ${m.impressions}::int, ${m.views}::int)`))}
      on conflict (publication_id, moment) where moment <> 'asked' do nothing
      returning publication_id, moment, likes, reposts, replies, quotes
    ), cells as (
      insert into metrics_time_cells (month, weekday, hour, posts, engagement)
      select to_char(p.published_at at time zone 'Europe/Brussels', 'YYYY-MM'), extract(isodow from p.published_at at time zone 'Europe/Brussels'), extract(hour from p.published_at at time zone 'Europe/Brussels'),
        count(*), sum(coalesce(i.likes, 0) + coalesce(i.reposts, 0) + coalesce(i.replies, 0) + coalesce(i.quotes, 0))
      from inserted i join publications p on p.id = i.publication_id
      where i.moment = '7d' and num_nonnulls(i.likes, i.reposts, i.replies, i.quotes) > 0 and p.published_at is not null
      group by 1, 2, 3
      on conflict (month, weekday, hour) do update set posts = metrics_time_cells.posts + excluded.posts, engagement = metrics_time_cells.engagement + excluded.engagement
    )
    select count(*)::int as n from inserted`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/**
 * Published publications whose next reading is due: for each, the earliest scheduled moment
 * (1 hour, 24 hours, 7 days, 28 days after publication) that has passed and has no reading yet.
 * A moment missed by more than a day (the scheduler was stopped) is skipped for the next one, so
 * a reading is always labelled with what it measures. Oldest first, `limit` at most.
 */
export async function dueReadings(db: Db, now: Date, limit: number, networks: readonly string[]): Promise<{ publicationId: string; channelId: string; remoteId: string; moment: MetricMoment }[]> {
  if (networks.length === 0) return [];
  const r = await sql<{ publication_id: string; channel_id: string; remote_id: string; moment: MetricMoment }>`
    select p.id as publication_id, p.channel_id, p.remote_id, m.moment
    from publications p
    cross join lateral (
      select moment from (values ('1h', interval '1 hour', 1), ('24h', interval '24 hours', 2), ('7d', interval '7 days', 3), ('28d', interval '28 days', 4)) as s(moment, after, n)
      where p.published_at + s.after <= ${now}
        and p.published_at + s.after + interval '1 day' > ${now}
        and not exists (select 1 from publication_metrics x where x.publication_id = p.id and x.moment = s.moment)
      order by s.n desc limit 1
    ) m
    join channels c on c.id = p.channel_id
    where p.state = 'published' and p.remote_id is not null
      and p.published_at > ${now}::timestamptz - interval '29 days'
      and c.network = any(${networks}::text[]) and c.active
    order by p.published_at
    limit ${limit}`.execute(db);
  return r.rows.map((x) => ({ publicationId: x.publication_id, channelId: x.channel_id, remoteId: x.remote_id, moment: x.moment }));
}

/** A publication to read now, asked for by a person. */
export async function publicationForReading(db: Db, publicationId: string): Promise<{ publicationId: string; channelId: string; remoteId: string } | undefined> {
  const row = await db
    .selectFrom("publications")
    .select(["id", "channel_id", "remote_id"])
    .where("id", "=", publicationId)
    .where("state", "=", "published")
    .where("remote_id", "is not", null)
    .executeTakeFirst();
  return row ? { publicationId: row.id, channelId: row.channel_id, remoteId: row.remote_id! } : undefined;
}

/** The channels whose posts can be read, with where their metrics reads stand. */
export async function listMetricsChannels(db: Db, ids: readonly string[]): Promise<{ channel: Channel; notBefore: Date | null; failures: number }[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("channels")
    .leftJoin("metrics_cursors", "metrics_cursors.channel_id", "channels.id")
    .selectAll("channels")
    .select(["metrics_cursors.not_before", "metrics_cursors.failures"])
    .where("channels.id", "in", ids)
    .where("channels.credentials_encrypted", "is not", null)
    .execute();
  return rows.map(({ not_before, failures, ...channel }) => ({ channel, notBefore: not_before ?? null, failures: failures ?? 0 }));
}

/** After a round: read (failures back to 0, maybe a rate-limit wait) or refused (the wait, the reason). */
export async function saveMetricsCursor(db: Db, channelId: string, state: { readAt: Date | null; notBefore: Date | null; failures: number; errorCode: string | null; error: string | null }): Promise<void> {
  const values = { read_at: state.readAt, not_before: state.notBefore, failures: state.failures, error_code: state.errorCode, error: state.error };
  await db
    .insertInto("metrics_cursors")
    .values({ channel_id: channelId, ...values })
    .onConflict((oc) => oc.column("channel_id").doUpdateSet(state.readAt ? values : { not_before: values.not_before, failures: values.failures, error_code: values.error_code, error: values.error }))
    .execute();
}

/** A publication's readings, oldest first. */
export async function readingsOf(db: Db, publicationId: string) {
  return await db.selectFrom("publication_metrics").selectAll().where("publication_id", "=", publicationId).orderBy("read_at").orderBy("id").execute();
}

export interface MonthPostRow {
  id: string;
  content_item_id: string;
  channel_id: string;
  published_at: Date;
  languages: string;
  text: string;
  remote_url: string | null;
  question_ids: string[];
  read_at: Date | null;
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
  impressions: number | null;
  views: number | null;
  clicks: number | null;
}

/**
 * The publications published in [from, to): each with its latest reading that has any figure, its
 * questions, and its tracked link's clicks by non-robots (null when its channel did not track it).
 */
export async function monthPosts(db: Db, from: Date, to: Date): Promise<MonthPostRow[]> {
  const r = await sql<MonthPostRow>`
    select p.id, p.content_item_id, p.channel_id, p.published_at, p.languages, left(coalesce(p.sent_text, (select v.text from variants v where v.id = p.variant_id)), 160) as text, p.remote_url,
      coalesce((select array_agg(t.recurring_question_id::text order by t.recurring_question_id) from item_tags t where t.content_item_id = p.content_item_id), '{}') as question_ids,
      r.read_at, r.likes, r.reposts, r.replies, r.quotes, r.impressions, r.views,
      case when tl.code is null then null else (select count(*)::int from link_clicks k where k.code = tl.code and not k.bot) end as clicks
    from publications p
    left join lateral (
      select m.read_at, m.likes, m.reposts, m.replies, m.quotes, m.impressions, m.views
      from publication_metrics m
      where m.publication_id = p.id and num_nonnulls(m.likes, m.reposts, m.replies, m.quotes, m.impressions, m.views) > 0
      order by m.read_at desc, m.id desc limit 1
    ) r on true
    left join tracked_links tl on tl.publication_id = p.id
    where p.state = 'published' and p.published_at >= ${from} and p.published_at < ${to}
    order by p.published_at, p.id`.execute(db);
  return r.rows;
}

/**
 * The team's own results by Brussels weekday (1 = Monday) and hour, for the posts published in the
 * months `from`–`to` (yyyy-MM): how many have a 7-day reading with engagement, and their mean
 * engagement then (from the cells insertReadings keeps).
 */
export async function timeCells(db: Db, from: string, to: string): Promise<{ weekday: number; hour: number; posts: number; meanEngagement: number | null }[]> {
  const rows = await db
    .selectFrom("metrics_time_cells")
    .select(["weekday", "hour", sql<number>`sum(posts)::int`.as("posts"), sql<string>`sum(engagement)::float8 / nullif(sum(posts), 0)`.as("mean")])
    .where("month", ">=", from)
    .where("month", "<=", to)
    .groupBy(["weekday", "hour"])
    .orderBy("weekday")
    .orderBy("hour")
    .execute();
  return rows.filter((x) => x.posts > 0).map((x) => ({ weekday: x.weekday, hour: x.hour, posts: x.posts, meanEngagement: x.mean === null ? null : Number(x.mean) }));
}

/** Each channel's goals for a month (`yyyy-MM`). */
export async function goalsOf(db: Db, month: string): Promise<Map<string, { posts: number | null; engagement: number | null }>> {
  const rows = await db.selectFrom("channel_goals").selectAll().where("month", "=", month).execute();
  return new Map(rows.map((g) => [g.channel_id, { posts: g.posts, engagement: g.engagement }]));
}

/** Sets (or, both empty, removes) a channel's goals for a month. */
export async function saveGoal(db: Db, channelId: string, month: string, goal: { posts: number | null; engagement: number | null }): Promise<void> {
  if (goal.posts === null && goal.engagement === null) {
    await db.deleteFrom("channel_goals").where("channel_id", "=", channelId).where("month", "=", month).execute();
    return;
  }
  await db
    .insertInto("channel_goals")
    .values({ channel_id: channelId, month, posts: goal.posts, engagement: goal.engagement })
    .onConflict((oc) => oc.columns(["channel_id", "month"]).doUpdateSet({ posts: goal.posts, engagement: goal.engagement }))
    .execute();
}

/**
 * Every question's contact-center volumes from `firstMonth` to `lastMonth`, and the months in that
 * span (`yyyy-MM`, the items' Brussels dates) in which an item tagged with it was published.
 */
export async function questionHistory(db: Db, lastMonth: string, firstMonth: string): Promise<{ volumes: { id: string; month: string; count: number }[]; covered: { id: string; month: string }[] }> {
  const [volumes, covered] = await Promise.all([
    db.selectFrom("question_volumes").select(["recurring_question_id as id", "month", "count"]).where("month", "<=", lastMonth).where("month", ">=", firstMonth).execute(),
    // A published or partly failed item went out; an archived one only if one of its publications did.
    sql<{ id: string; month: string }>`
      select t.recurring_question_id as id, to_char(i.local_date, 'YYYY-MM') as month
      from item_tags t join content_items i on i.id = t.content_item_id
      where i.local_date >= ${`${firstMonth}-01`}::date and i.local_date < (${`${lastMonth}-01`}::date + interval '1 month') and i.status in ('published', 'partly_failed')
      union
      select t.recurring_question_id, to_char(i.local_date, 'YYYY-MM')
      from item_tags t join content_items i on i.id = t.content_item_id
      where i.local_date >= ${`${firstMonth}-01`}::date and i.local_date < (${`${lastMonth}-01`}::date + interval '1 month') and i.status = 'archived'
        and exists (select 1 from publications p where p.content_item_id = i.id and p.state = 'published')`.execute(db),
  ]);
  return { volumes, covered: covered.rows };
}

/** Every reading of the publications published in [from, to), oldest first per publication (for the API's bulk export). */
export async function readingsPublishedIn(db: Db, from: Date, to: Date) {
  return await db
    .selectFrom("publication_metrics as m")
    .innerJoin("publications as p", "p.id", "m.publication_id")
    .select(["m.publication_id", "m.moment", "m.read_at", "m.likes", "m.reposts", "m.replies", "m.quotes", "m.impressions", "m.views"])
    .where("p.state", "=", "published")
    .where("p.published_at", ">=", from)
    .where("p.published_at", "<", to)
    .orderBy("m.publication_id")
    .orderBy("m.read_at")
    .orderBy("m.id")
    .execute();
}

/** A publication as the API names it, with its channel's network. */
export async function publicationSummary(db: Db, id: string) {
  return await db
    .selectFrom("publications as p")
    .innerJoin("channels as c", "c.id", "p.channel_id")
    .select(["p.id", "p.content_item_id", "p.channel_id", "c.network", "p.languages", "p.state", "p.published_at", "p.remote_url"])
    .where("p.id", "=", id)
    .executeTakeFirst();
}

/** The network ids of the published posts of the channels of some networks. */
export async function publishedRemoteIds(db: Db, networks: readonly Channel["network"][]): Promise<{ network: string; remoteId: string }[]> {
  if (networks.length === 0) return [];
  const rows = await db
    .selectFrom("publications as p")
    .innerJoin("channels as c", "c.id", "p.channel_id")
    .select(["c.network", "p.remote_id"])
    .where("p.state", "=", "published")
    .where("p.remote_id", "is not", null)
    .where("c.network", "in", networks)
    .execute();
  return rows.map((r) => ({ network: r.network, remoteId: r.remote_id! }));
}
