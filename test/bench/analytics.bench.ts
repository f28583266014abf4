import http from "node:http";
import { sql } from "kysely";
import { hashPassword } from "../../app/services/passwords.server";
import { benchDatabase } from "./bench-database";
import { startProductionServer } from "./production-server";
import { percentile, report } from "./report";

/**
 * Analytics:
 * - analytics.redirects_per_s: the production web process (its own process) answering /l/<code>
 *   for 1,000 tracked links as fast as it can (32 keep-alive connections, 5 s after a 2 s warm-up);
 * - analytics.redirect_p99: the latency (request to response headers, seen by the client) at a
 *   steady 2,000 redirects a second for 8 s;
 *   every click of both phases then checked as counted in the database.
 */
export async function run(): Promise<void> {
  const bench = await benchDatabase("analytics");
  try {
    const user = await bench.db
      .insertInto("users")
      .values({ email: "bench@test.be", display_name: "Bench", roles: ["editor", "approver"], password_hash: await hashPassword("bench-password-1") })
      .returning("id")
      .executeTakeFirstOrThrow();
    const codes = await links(bench.db, user.id, 1_000);
    await redirects(bench.url, bench.db, codes);
  } finally {
    await bench.close();
  }
}

/** 1,000 published posts on one channel, each with its tracked link. */
async function links(db: Awaited<ReturnType<typeof benchDatabase>>["db"], userId: string, n: number): Promise<string[]> {
  const channel = await db.insertInto("channels").values({ network: "mastodon", language: "fr", name: "Mastodon", handle: "cadence", base_url: "https://fake.social", credentials_encrypted: null, track_links: true }).returning("id").executeTakeFirstOrThrow();
  const at = new Date("2026-11-10T09:00:00Z");
  const items = await db
    .insertInto("content_items")
    .values(Array.from({ length: n }, () => ({ scheduled_at: at, local_date: "2026-11-10", local_time: "10:00", status: "published" as const, source_language: "fr" as const, author_id: userId, updated_by: userId })))
    .returning("id")
    .execute();
  await db
    .insertInto("variants")
    .values(items.map((item, i) => ({ content_item_id: item.id, language: "fr" as const, text: `Publication ${i}`, link_url: `https://finances.belgium.be/fr/page-${i}`, image_alt: null, visuals: "[]", status: "approved" as const })))
    .execute();
  await sql`
    insert into publications (content_item_id, variant_id, channel_id, languages, state, due_at, next_attempt_at, deadline_at, published_at, remote_id)
    select i.id, v.id, ${channel.id}, 'fr', 'published', ${at}, null, ${at}, ${at}, 'remote-' || v.id
    from content_items i join variants v on v.content_item_id = i.id`.execute(db);
  const rows = await sql<{ code: string }>`
    insert into tracked_links (code, publication_id, target_url)
    select substr(md5(p.id::text), 1, 8), p.id, v.link_url from publications p join variants v on v.id = p.variant_id
    returning code`.execute(db);
  // Codes in Cadence's alphabet: md5's hex digits 0 and 1 are not in it, so map them.
  await sql`update tracked_links set code = translate(code, '01', 'ab')`.execute(db);
  return rows.rows.map((r) => r.code.replace(/0/g, "a").replace(/1/g, "b"));
}

async function redirects(url: string, db: Awaited<ReturnType<typeof benchDatabase>>["db"], codes: string[]): Promise<void> {
  const server = await startProductionServer(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const target = new URL(server.url);
  const get = (code: string) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = http.get({ host: target.hostname, port: target.port, path: `/l/${code}`, agent, headers: { "user-agent": "Mozilla/5.0 (bench) Chrome/131.0" } }, (res) => {
        const ms = performance.now() - started;
        if (res.statusCode !== 302) reject(new Error(`status ${res.statusCode} for ${code}`));
        res.resume();
        res.on("end", () => resolve(ms));
      });
      req.on("error", reject);
    });
  try {
    let sent = 0;
    const run = async (ms: number, keep: number[] | null) => {
      const until = performance.now() + ms;
      await Promise.all(
        Array.from({ length: 32 }, async (_, w) => {
          let i = w;
          while (performance.now() < until) {
            const latency = await get(codes[(i += 32) % codes.length]!);
            sent++;
            keep?.push(latency);
          }
        }),
      );
    };
    // Warm-up, then the most the process can answer (32 connections, each asking again at once).
    await run(2_000, null);
    const most: number[] = [];
    const started = performance.now();
    await run(5_000, most);
    const perSecond = most.length / ((performance.now() - started) / 1000);
    // Then the latency at a steady 2,000 redirects a second (requests started on a clock, whatever
    // the answers: a slow answer does not slow the load down and hide itself).
    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    const rate = 2_000;
    const steadyStart = performance.now();
    let issued = 0;
    while (performance.now() - steadyStart < 8_000) {
      const due = Math.floor(((performance.now() - steadyStart) / 1000) * rate);
      for (; issued < due; issued++) {
        sent++;
        pending.push(get(codes[issued % codes.length]!).then((ms) => void latencies.push(ms)));
      }
      // A millisecond's sleep between rounds: the client must not take the CPU the server needs.
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(pending);
    latencies.sort((a, b) => a - b);
    // Every request counted (the batch is written within a quarter second).
    await new Promise((r) => setTimeout(r, 1_000));
    const counted = Number((await db.selectFrom("link_clicks").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
    if (counted !== sent) throw new Error(`${sent} redirects but ${counted} clicks counted`);
    report("analytics.redirects_per_s", Math.round(perSecond), "/s");
    report("analytics.redirect_p50", Number(percentile(latencies, 50).toFixed(2)), "ms");
    report("analytics.redirect_p99", Number(percentile(latencies, 99).toFixed(2)), "ms");
    if (process.env.BENCH_DEBUG) console.log([90, 95, 98, 99, 99.5, 99.9, 100].map((p) => `${p}:${percentile(latencies, p).toFixed(1)}`).join(" "));
  } finally {
    agent.destroy();
    await server.stop();
  }
}
