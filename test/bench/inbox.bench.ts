import { sql } from "kysely";
import { collectInbox, inboxPage } from "../../app/services/inbox.server";
import { adapterDeps } from "../../app/services/publishing.server";
import { createLogger } from "../../app/services/logger.server";
import { startFakeNetworks } from "../../fakes/networks";
import { makeApiChannel } from "../publishing-factories";
import { testContext } from "../setup/database";
import { benchDatabase } from "./bench-database";
import { percentile, report } from "./report";

const CHANNELS = 20;
const PER_CHANNEL = 5_000;
const PHRASES = [
  "Bonjour, quand vais-je recevoir mon remboursement d'impôt ?",
  "Goedemiddag, wanneer krijg ik mijn terugbetaling van de belastingen?",
  "Je n'arrive pas à me connecter à MyMinfin avec itsme.",
  "Ik kan niet inloggen op MyMinfin met mijn identiteitskaart.",
  "Hello, do I need to file a Belgian tax return if I moved abroad?",
];

/**
 * The inbox at scale, against the local Mastodon: 20 channels × 5,000 mentions (100,000 messages,
 * 2,000 citizens) collected, routed by language and threaded (40,000 open conversations); the
 * inbox's first page with 100,000 conversations in the database (60,000 more, answered or closed,
 * as months of use leave them); one polling cycle of the 20 channels.
 */
export async function run(): Promise<void> {
  const bench = await benchDatabase("inbox");
  const fake = await startFakeNetworks();
  try {
    const ctx = { ...testContext(bench.db), log: createLogger({ level: "error", write: () => {} }) };
    const user = (await bench.db.insertInto("users").values({ email: "bench@test.be", display_name: "Bench", roles: ["responder"], password_hash: null }).returningAll().executeTakeFirstOrThrow());
    const start = Date.now() - 30 * 86_400_000;
    for (let i = 0; i < PER_CHANNEL; i++) fake.mention("mastodon", { author: `citizen${i % 2_000}@fake.social`, text: `${PHRASES[i % PHRASES.length]} (${i})`, at: new Date(start + i * 500_000) });
    for (let c = 0; c < CHANNELS; c++) {
      const channel = await makeApiChannel(ctx, "mastodon", c % 2 === 0 ? "fr" : "nl", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
      // Read from the very first notification (a new channel would start with the latest page).
      await bench.db.insertInto("inbox_cursors").values({ channel_id: channel.id, position: "0" }).execute();
    }
    const deps = adapterDeps(ctx, fetch);

    const t0 = performance.now();
    let stored = 0;
    for (;;) {
      const round = await collectInbox(ctx, { deps, pageSize: 80 });
      stored += round.collected;
      if (round.collected === 0) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    report("inbox.ingest_100k_messages", stored, "messages");
    report("inbox.ingest_100k_msgs_per_s", stored / seconds, "messages/s");
    const conversations = Number((await sql<{ n: string }>`select count(*) as n from conversations`.execute(bench.db)).rows[0]!.n);
    // Months of answered and closed conversations beside the open ones: 100,000 in all.
    await sql`
      insert into conversations (channel_id, citizen_handle, language, state, close_reason, first_message_at, last_message_at, due_at, first_response_at, closed_at)
      select ch.id, 'past' || g, (array['fr', 'nl', 'other'])[1 + g % 3], case when g % 4 = 0 then 'closed' else 'answered' end,
             case when g % 4 = 0 then 'thanks' end, now() - make_interval(hours => g), now() - make_interval(hours => g), now() - make_interval(hours => g - 24),
             case when g % 4 = 0 then null else now() - make_interval(hours => g - 2) end, case when g % 4 = 0 then now() - make_interval(hours => g - 1) end
      from generate_series(1, ${100_000 - conversations}) g
      cross join lateral (select id from channels order by id offset (g % ${CHANNELS}) limit 1) ch`.execute(bench.db);
    // What autovacuum does after a large load: statistics and the visibility map.
    await sql`vacuum analyze conversations`.execute(bench.db);
    const total = Number((await sql<{ n: string }>`select count(*) as n from conversations`.execute(bench.db)).rows[0]!.n);
    report("inbox.conversations", total, "conversations");

    const pageTimes: number[] = [];
    for (let i = 0; i < 60; i++) {
      const s = performance.now();
      await inboxPage(ctx, user, i % 2 === 0 ? "fr" : "nl", 0);
      pageTimes.push(performance.now() - s);
    }
    pageTimes.sort((a, b) => a - b);
    report("inbox.page_p50", percentile(pageTimes.slice(10), 50), "ms");
    report("inbox.page_p95", percentile(pageTimes.slice(10), 95), "ms");

    const cycleTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      fake.mention("mastodon", { author: `late${i}@fake.social`, text: PHRASES[i % PHRASES.length]! });
      const s = performance.now();
      await collectInbox(ctx, { deps });
      cycleTimes.push(performance.now() - s);
    }
    cycleTimes.sort((a, b) => a - b);
    report("inbox.poll_cycle_p50", percentile(cycleTimes, 50), "ms");
    report("inbox.poll_cycle_p95", percentile(cycleTimes, 95), "ms");
  } finally {
    await fake.close();
    await bench.close();
  }
}
