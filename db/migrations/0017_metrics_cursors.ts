import { sql, type Kysely } from "kysely";

// Issue 17, continued.
// - metrics_cursors: where each channel's metrics reads stand: a network that refused (rate limit,
//   outage, revoked token) is not asked again before `not_before`; the last refusal is kept.
// - metrics_time_cells: the days-and-hours view's sums, per Brussels month of publication, weekday
//   and hour: how many 7-day readings with engagement, and their engagement. Added to in the same
//   statement that stores a 7-day reading, so the view reads 12 × 168 rows, not a year of readings.
// - publication_metrics_latest: the month's report finds each post's latest reading with figures
//   from the index alone.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table metrics_cursors (
      channel_id uuid primary key references channels(id) on delete cascade,
      read_at timestamptz,
      not_before timestamptz,
      failures integer not null default 0,
      error_code text,
      error text
    )`.execute(db);
  await sql`
    create table metrics_time_cells (
      month text not null check (month ~ '^[0-9]{4}-[0-9]{2}$'),
      weekday smallint not null check (weekday between 1 and 7),
      hour smallint not null check (hour between 0 and 23),
      posts integer not null,
      engagement bigint not null,
      primary key (month, weekday, hour)
    )`.execute(db);
  await sql`
    insert into metrics_time_cells (month, weekday, hour, posts, engagement)
    select to_char(p.published_at at time zone 'Europe/Brussels', 'YYYY-MM'), extract(isodow from p.published_at at time zone 'Europe/Brussels'), extract(hour from p.published_at at time zone 'Europe/Brussels'),
      count(*), sum(coalesce(m.likes, 0) + coalesce(m.reposts, 0) + coalesce(m.replies, 0) + coalesce(m.quotes, 0))
    from publication_metrics m join publications p on p.id = m.publication_id
    where m.moment = '7d' and num_nonnulls(m.likes, m.reposts, m.replies, m.quotes) > 0
    group by 1, 2, 3`.execute(db);
  await sql`drop index publication_metrics_read`.execute(db);
  await sql`create index publication_metrics_latest on publication_metrics (publication_id, read_at desc, id desc) include (likes, reposts, replies, quotes, impressions, views)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index publication_metrics_latest`.execute(db);
  await sql`create index publication_metrics_read on publication_metrics (publication_id, read_at desc)`.execute(db);
  await sql`drop table metrics_time_cells`.execute(db);
  await sql`drop table metrics_cursors`.execute(db);
}
