import { sql } from "kysely";
import { run as runGraphileWorker } from "graphile-worker";
import { runPublisher } from "../../app/services/publishing.server";
import { contentHashOf, sourceHashOf } from "../../app/domain/approval-hash.server";
import { createLogger } from "../../app/services/logger.server";
import { createDb, type Db } from "../../db/client";
import { testContext } from "../setup/database";
import { benchDatabase } from "./bench-database";
import { percentile, report } from "./report";

const SIZES = [1_000, 10_000];

/**
 * Publishing speed: N publications due at the same second, sent to the outbox by one publisher
 * (every one re-checked against the parity rule, as in production). Lag = network call − scheduled
 * instant. In the same run, on the same database, graphile-worker runs N no-op jobs due at one
 * instant, for comparison.
 */
export async function run(): Promise<void> {
  const bench = await benchDatabase("publishing");
  try {
    // The publisher as the scheduler runs it: its own pool of 16 connections, 32 calls in flight.
    const publisherDb = createDb(bench.url, { max: 16 });
    const ctx = { ...testContext(publisherDb), log: createLogger({ level: "error", write: () => {} }) };
    const user = await bench.db
      .insertInto("users")
      .values({ email: "bench@test.be", display_name: "Bench", roles: ["editor", "approver"], password_hash: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    const channel = await bench.db
      .insertInto("channels")
      .values({ network: "outbox", language: "bilingual", name: "Outbox", handle: "outbox", base_url: null, credentials_encrypted: null })
      .returning("id")
      .executeTakeFirstOrThrow();

    for (const n of SIZES) {
      const ours = await oursFor(bench.db, ctx, user.id, channel.id, n);
      report(`publishing.cadence_${n}_lag_p50`, ours.p50, "ms");
      report(`publishing.cadence_${n}_lag_p99`, ours.p99, "ms");
      report(`publishing.cadence_${n}_throughput`, ours.throughput, "publications/s");
      const theirs = await graphileFor(bench.url, n);
      report(`publishing.graphile_${n}_lag_p50`, theirs.p50, "ms");
      report(`publishing.graphile_${n}_lag_p99`, theirs.p99, "ms");
      report(`publishing.graphile_${n}_throughput`, theirs.throughput, "jobs/s");
      report(`publishing.ratio_${n}_lag_p99`, ours.p99 / theirs.p99, "cadence/graphile");
      report(`publishing.ratio_${n}_throughput`, ours.throughput / theirs.throughput, "cadence/graphile");
    }
    await publisherDb.destroy();
  } finally {
    await bench.close();
  }
}

/** N approved bilingual items on the outbox, their publications all due at `at`, inserted in bulk. */
async function seed(db: Db, userId: string, channelId: string, n: number, at: Date): Promise<void> {
  await sql`truncate content_items cascade`.execute(db);
  for (let start = 0; start < n; start += 1_000) {
    const count = Math.min(1_000, n - start);
    const items = await db
      .insertInto("content_items")
      .values(
        Array.from({ length: count }, () => ({
          scheduled_at: at,
          local_date: "2030-01-01",
          local_time: "10:00",
          status: "scheduled" as const,
          source_language: "fr" as const,
          author_id: userId,
          updated_by: userId,
        })),
      )
      .returning("id")
      .execute();
    const variants = items.flatMap((item, i) => {
      const fr = { text: `Publication ${start + i} : votre déclaration.`, link_url: null, image_alt: null };
      const nl = { text: `Bericht ${start + i}: uw aangifte.`, link_url: null, image_alt: null };
      const approved = { status: "approved" as const, approved_by: userId, approved_at: at };
      return [
        { content_item_id: item.id, language: "fr" as const, ...fr, ...approved, approved_hash: contentHashOf(fr), source_hash: null },
        { content_item_id: item.id, language: "nl" as const, ...nl, ...approved, approved_hash: contentHashOf(nl), source_hash: sourceHashOf("fr", [{ language: "fr", ...fr }]) },
      ];
    });
    await db.insertInto("variants").values(variants).execute();
    await db
      .insertInto("content_item_channels")
      .values(items.map((i) => ({ content_item_id: i.id, channel_id: channelId })))
      .execute();
  }
  await sql`
    insert into publications (content_item_id, variant_id, channel_id, languages, state, due_at, next_attempt_at, deadline_at)
    select i.id, v.id, ${channelId}, 'fr+nl', 'scheduled', ${at}, ${at}, ${new Date(at.getTime() + 7_200_000)}
    from content_items i join variants v on v.content_item_id = i.id and v.language = 'fr'`.execute(db);
  await sql`vacuum analyze`.execute(db);
}

async function oursFor(db: Db, ctx: ReturnType<typeof testContext>, userId: string, channelId: string, n: number) {
  const at = new Date(Date.now() + 4_000);
  await seed(db, userId, channelId, n, at);
  const controller = new AbortController();
  const publisher = runPublisher(ctx, { signal: controller.signal, concurrency: 64 });
  for (;;) {
    const left = await db.selectFrom("publications").select((eb) => eb.fn.countAll<string>().as("n")).where("state", "in", ["scheduled", "sending"]).executeTakeFirstOrThrow();
    if (Number(left.n) === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  controller.abort();
  await publisher;
  const rows = await sql<{ lag: number; done: number }>`
    select extract(epoch from (sent_at - due_at)) * 1000 as lag, extract(epoch from (updated_at - due_at)) * 1000 as done
    from publications where state = 'published'`.execute(db);
  if (rows.rows.length !== n) throw new Error(`only ${rows.rows.length} of ${n} published`);
  const lags = rows.rows.map((r) => Number(r.lag)).sort((a, b) => a - b);
  const last = Math.max(...rows.rows.map((r) => Number(r.done)));
  return { p50: percentile(lags, 50), p99: percentile(lags, 99), throughput: n / (last / 1000) };
}

async function graphileFor(connectionString: string, n: number) {
  const lags: number[] = [];
  let at = 0;
  let last = 0;
  const runner = await runGraphileWorker({
    connectionString,
    concurrency: 64,
    noHandleSignals: true,
    pollInterval: 1_000,
    taskList: {
      noop: () => {
        const now = Date.now();
        lags.push(now - at);
        last = now;
        return Promise.resolve();
      },
    },
  });
  const { Client } = (await import("pg")).default;
  const client = new Client({ connectionString });
  await client.connect();
  at = Date.now() + 4_000;
  await client.query(`select graphile_worker.add_job('noop', '{}'::json, run_at := to_timestamp($1 / 1000.0)) from generate_series(1, $2)`, [at, n]);
  await client.end();
  while (lags.length < n) await new Promise((r) => setTimeout(r, 100));
  await runner.stop();
  lags.sort((a, b) => a - b);
  return { p50: percentile(lags, 50), p99: percentile(lags, 99), throughput: n / ((last - at) / 1000) };
}
