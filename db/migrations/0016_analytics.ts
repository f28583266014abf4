import { sql, type Kysely } from "kysely";

// Issue 17: what the posts achieved.
// - tracked_links: one short code per publication whose channel tracks links; the post carries
//   /l/<code> instead of its link, which redirects to the link with UTM parameters.
// - link_clicks: one row per request to a code: when, and whether the client said it was a robot.
//   No address, cookie, user agent or referrer is stored.
// - publication_metrics: a publication's public figures as its network gave them, one row per
//   reading (at 1 hour, 24 hours, 7 and 28 days, or asked for); a figure the network does not
//   offer is null ("not available"), never 0. One reading per scheduled moment (a crashed round
//   resumed reads nothing twice).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table channels add column track_links boolean not null default false`.execute(db);
  await sql`
    create table tracked_links (
      code text primary key,
      publication_id uuid not null unique references publications(id) on delete cascade,
      target_url text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table link_clicks (
      id bigserial primary key,
      code text not null references tracked_links(code) on delete cascade,
      clicked_at timestamptz not null,
      bot boolean not null
    )`.execute(db);
  await sql`create index link_clicks_code_at on link_clicks (code, clicked_at)`.execute(db);
  await sql`
    create table publication_metrics (
      id bigserial primary key,
      publication_id uuid not null references publications(id) on delete cascade,
      moment text not null check (moment in ('1h', '24h', '7d', '28d', 'asked')),
      read_at timestamptz not null,
      likes integer,
      reposts integer,
      replies integer,
      quotes integer,
      impressions integer,
      views integer
    )`.execute(db);
  await sql`create unique index publication_metrics_once on publication_metrics (publication_id, moment) where moment <> 'asked'`.execute(db);
  await sql`create index publication_metrics_read on publication_metrics (publication_id, read_at desc)`.execute(db);
  await sql`create index publications_published_at on publications (published_at) where state = 'published'`.execute(db);
  // Per-channel monthly goals set by an admin (posts, engagement), shown against the actual.
  await sql`
    create table channel_goals (
      channel_id uuid not null references channels(id) on delete cascade,
      month text not null check (month ~ '^[0-9]{4}-[0-9]{2}$'),
      posts integer check (posts >= 0),
      engagement integer check (engagement >= 0),
      primary key (channel_id, month)
    )`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table channel_goals`.execute(db);
  await sql`drop index publications_published_at`.execute(db);
  await sql`drop table publication_metrics`.execute(db);
  await sql`drop table link_clicks`.execute(db);
  await sql`drop table tracked_links`.execute(db);
  await sql`alter table channels drop column track_links`.execute(db);
}
