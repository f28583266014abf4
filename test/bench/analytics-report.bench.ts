import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { monthAnalytics } from "../../app/services/analytics.server";
import { createLogger } from "../../app/services/logger.server";
import { collectMetrics } from "../../app/services/metrics.server";
import { startFakeNetworks } from "../../fakes/networks";
import { makeApiChannel, makePublished } from "../publishing-factories";
import { testContext } from "../setup/database";
import { benchDatabase } from "./bench-database";
import { percentile, report } from "./report";

/**
 * - analytics.month_report_p95: the month's report (everything its page shows: channels, languages,
 *   top posts, questions, the 12-month days-and-hours grid, every question's contact-center
 *   estimate) over two years of history: 50,000 publications on 10 channels with 4 readings each,
 *   28 questions tagged on 60 % of the items, 24 months of contact-center volumes, tracked links with
 *   50,000 clicks. 40 reports of the last month after 5 warm-ups.
 * - analytics.collect_10k_posts_s: one collection round of 10,000 posts due at once on 12 channels
 *   (two per network) against the local fakes, each network batched as its API allows.
 */
export async function run(): Promise<void> {
  await monthReport();
  await collectRound();
}

async function monthReport(): Promise<void> {
  const bench = await benchDatabase("analytics_report");
  try {
    const ctx = { ...testContext(bench.db), log: createLogger({ level: "error", write: () => {} }) };
    const db = bench.db;
    const user = await db.insertInto("users").values({ email: "bench@test.be", display_name: "Bench", roles: ["editor"], password_hash: null }).returning("id").executeTakeFirstOrThrow();
    const networks = ["x", "x", "facebook", "facebook", "linkedin", "mastodon", "bluesky", "youtube", "mastodon", "bluesky"] as const;
    const channels = await db
      .insertInto("channels")
      .values(networks.map((network, i) => ({ network, language: i % 2 === 0 ? ("fr" as const) : ("nl" as const), name: `${network} ${i}`, handle: `c${i}`, base_url: null, credentials_encrypted: null, track_links: i < 2 })))
      .returning("id")
      .execute();
    const questions = await db
      .insertInto("recurring_questions")
      .values(Array.from({ length: 28 }, (_, i) => ({ slug: `question-${i}`, label_fr: `Question ${i}`, label_nl: `Vraag ${i}`, keywords_fr: [], keywords_nl: [] })))
      .returning("id")
      .execute();
    const started = performance.now();
    // Two years, 2024-12 to 2026-11: 25,000 items, each published on two channels (~2,080 publications a month).
    await sql`
      insert into content_items (id, scheduled_at, local_date, local_time, status, source_language, author_id, updated_by)
      select gen_random_uuid(), ts, (ts at time zone 'Europe/Brussels')::date, '10:00', 'published', 'fr', ${user.id}, ${user.id}
      from (select timestamptz '2024-12-01 07:00+00' + (n * interval '2522 seconds') as ts from generate_series(0, 24999) n) s`.execute(db);
    await sql`insert into variants (content_item_id, language, text, status) select id, l, 'Publication ' || id, 'approved' from content_items, (values ('fr'), ('nl')) v(l)`.execute(db);
    await sql`
      insert into content_item_channels (content_item_id, channel_id)
      select i.id, c.id from (select id, row_number() over (order by scheduled_at) as n from content_items) i
      join (select id, row_number() over (order by id) - 1 as k from channels) c on c.k in (i.n % 10, (i.n + 5) % 10)`.execute(db);
    await sql`
      insert into publications (variant_id, channel_id, content_item_id, languages, state, remote_id, published_at, due_at, deadline_at, remote_url)
      select v.id, ic.channel_id, ic.content_item_id, v.language, 'published', gen_random_uuid()::text, i.scheduled_at, i.scheduled_at, i.scheduled_at + interval '1 hour', 'https://example.org/p'
      from content_item_channels ic join content_items i on i.id = ic.content_item_id
      join channels c on c.id = ic.channel_id
      join variants v on v.content_item_id = i.id and v.language = (case when c.language = 'nl' then 'nl' else 'fr' end)`.execute(db);
    await sql`
      insert into publication_metrics (publication_id, moment, read_at, likes, reposts, replies, quotes, impressions, views)
      select p.id, m.moment, p.published_at + m.after, (random() * 40)::int * m.k, (random() * 8)::int * m.k, (random() * 5)::int, case when c.network in ('bluesky', 'x', 'mastodon') then (random() * 3)::int end,
        case when c.network in ('x', 'linkedin') then (random() * 3000)::int end, case when c.network in ('facebook', 'youtube') then (random() * 2000)::int end
      from publications p join channels c on c.id = p.channel_id,
      (values ('1h', interval '1 hour', 1), ('24h', interval '24 hours', 2), ('7d', interval '7 days', 3), ('28d', interval '28 days', 3)) m(moment, after, k)`.execute(db);
    // The days-and-hours cells, as insertReadings adds each 7-day reading to them.
    await sql`
      insert into metrics_time_cells (month, weekday, hour, posts, engagement)
      select to_char(p.published_at at time zone 'Europe/Brussels', 'YYYY-MM'), extract(isodow from p.published_at at time zone 'Europe/Brussels'), extract(hour from p.published_at at time zone 'Europe/Brussels'),
        count(*), sum(coalesce(m.likes, 0) + coalesce(m.reposts, 0) + coalesce(m.replies, 0) + coalesce(m.quotes, 0))
      from publication_metrics m join publications p on p.id = m.publication_id
      where m.moment = '7d' and num_nonnulls(m.likes, m.reposts, m.replies, m.quotes) > 0
      group by 1, 2, 3`.execute(db);
    await sql`insert into item_tags (content_item_id, recurring_question_id) select i.id, (select id from recurring_questions order by slug offset (abs(hashtext(i.id::text)) % 28) limit 1) from content_items i where abs(hashtext(i.id::text || 'q')) % 10 < 6`.execute(db);
    await sql`
      insert into tracked_links (code, publication_id, target_url)
      select substr(md5(p.id::text), 1, 8), p.id, 'https://finances.belgium.be/' from publications p join channels c on c.id = p.channel_id where c.track_links`.execute(db);
    await sql`insert into link_clicks (code, clicked_at, bot) select code, now(), random() < 0.1 from tracked_links, generate_series(1, 5)`.execute(db);
    await sql`
      insert into question_volumes (recurring_question_id, month, count)
      select q.id, to_char(date '2024-12-01' + (n * interval '1 month'), 'YYYY-MM'), 200 + (random() * 300)::int from recurring_questions q, generate_series(0, 23) n`.execute(db);
    // As autovacuum leaves a table in production: statistics and the visibility map up to date.
    await sql`vacuum analyze`.execute(db);
    const counts = await sql<{ p: number; m: number }>`select (select count(*)::int from publications) as p, (select count(*)::int from publication_metrics) as m`.execute(db);
    process.stdout.write(`# ${counts.rows[0]!.p} publications, ${counts.rows[0]!.m} readings, seeded in ${Math.round(performance.now() - started)} ms\n`);
    void channels;
    void questions;
    const month = "2026-11";
    for (let i = 0; i < 5; i++) await monthAnalytics(ctx, month);
    const times: number[] = [];
    let posts = 0;
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      const data = await monthAnalytics(ctx, month);
      times.push(performance.now() - t0);
      posts = data!.report.totals.posts;
    }
    times.sort((a, b) => a - b);
    process.stdout.write(`# the month has ${posts} publications\n`);
    report("analytics.month_report_p50", Number(percentile(times, 50).toFixed(1)), "ms");
    report("analytics.month_report_p95", Number(percentile(times, 95).toFixed(1)), "ms");
  } finally {
    await bench.close();
  }
}

async function collectRound(): Promise<void> {
  const bench = await benchDatabase("analytics_collect");
  const fake = await startFakeNetworks();
  try {
    const clock = new Date("2026-11-20T12:00:00Z");
    const ctx = { ...testContext(bench.db, { now: () => clock }), log: createLogger({ level: "error", write: () => {} }) };
    const user = (await bench.db.insertInto("users").values({ email: "bench@test.be", display_name: "Bench", roles: ["editor"], password_hash: null }).returningAll().executeTakeFirstOrThrow());
    const plan = [
      ["mastodon", 1000, { accessToken: "mastodon-token" }],
      ["bluesky", 1000, { identifier: "cadence.test", appPassword: "app-password" }],
      ["x", 800, { accessToken: "x-token" }],
      ["facebook", 1200, { pageId: "123", accessToken: "fb-token" }],
      ["linkedin", 400, { author: "urn:li:organization:42", accessToken: "li-token" }],
      ["youtube", 600, { accessToken: "youtube-token" }],
    ] as const;
    const publishedAt = new Date(clock.getTime() - 24 * 3_600_000 - 60_000);
    for (const [network, count, credentials] of plan) {
      for (const language of ["fr", "nl"] as const) {
        const channel = await makeApiChannel(ctx, network, language, `${fake.url}/${network}`, credentials);
        await makePublished(bench.db, user, channel, fake.seedPosts(network, count), publishedAt, { language });
      }
    }
    const t0 = performance.now();
    const round = await collectMetrics(ctx);
    const seconds = (performance.now() - t0) / 1000;
    if (round.stored !== 10_000 || round.failed > 0) throw new Error(`the round stored ${round.stored} of 10,000 readings (${round.failed} refusals)`);
    process.stdout.write(`# ${round.calls} network calls for ${round.stored} readings\n`);
    report("analytics.collect_10k_posts_s", Number(seconds.toFixed(2)), "s");
  } finally {
    await fake.close();
    await bench.close();
  }
}
