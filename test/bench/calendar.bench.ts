import { sql } from "kysely";
import { buildIsStale, runRemixBuild } from "../../app/cli/build-if-needed";
import { calendarData, parseCalendarQuery } from "../../app/services/calendar.server";
import { MONTH_CELL_LIMIT } from "../../app/domain/month-grid";
import { monthGridPlan } from "../../db/repositories/calendar";
import { signIn as signInService } from "../../app/services/auth.server";
import { commitSessionCookie } from "../../app/services/session.server";
import { createUser } from "../../app/services/users.server";
import { launchBrowser } from "../e2e/browser";
import { dragTo, eventOf, monthCell, signIn } from "../e2e/helpers";
import { benchDatabase } from "./bench-database";
import { benchContext, startProductionServer } from "./production-server";
import { percentile, report } from "./report";

const TOTAL = 100_000;
const IN_MONTH = 1_000;
const MONTH = "2030-06";
// June 2030's grid starts on Monday 27 May; 30 June is left empty as the drop target.
const FIRST = "2030-05-27";

function dayIndex(first: string, date: string): number {
  return Math.round((Date.parse(`${date}T12:00:00Z`) - Date.parse(`${first}T12:00:00Z`)) / 86_400_000);
}

/**
 * The calendar with a full month: 1,000 items in June 2030 among 100,000 in the database.
 * Server: the month loader (service and HTTP). Browser: time to interactive, and time from a drop to
 * the event drawn at its new place.
 */
export async function run(): Promise<void> {
  if (buildIsStale()) await runRemixBuild();
  const bench = await benchDatabase("calendar");
  try {
    const ctx = benchContext(bench.db, { now: () => new Date("2030-05-01T08:00:00Z") });
    const editor = await createUser(ctx, { id: null, label: "bench" }, { email: "bench@test.be", displayName: "Bench", password: "bench-password-1", roles: ["editor"], uiLanguage: "fr" });
    if (!editor.ok) throw new Error("could not create the bench user");
    const channels = await bench.db
      .insertInto("channels")
      .values([
        { network: "x", language: "fr", name: "X FR", handle: "xfr", base_url: null, credentials_encrypted: null },
        { network: "x", language: "nl", name: "X NL", handle: "xnl", base_url: null, credentials_encrypted: null },
        { network: "linkedin", language: "bilingual", name: "LinkedIn", handle: "li", base_url: null, credentials_encrypted: null },
      ])
      .returning("id")
      .execute();

    const seedStart = performance.now();
    // 99,000 items spread over the years around the month, 1,000 inside it (29 days, 30 June empty).
    await sql`
      insert into content_items (scheduled_at, local_date, local_time, status, source_language, author_id, updated_by)
      select ts, (ts at time zone 'Europe/Brussels')::date, to_char(ts at time zone 'Europe/Brussels', 'HH24:MI'),
             (array['draft','in_translation','awaiting_approval','scheduled','published'])[1 + (n % 5)], 'fr', ${editor.user.id}, ${editor.user.id}
      from (
        select n, case when n <= ${IN_MONTH}
          then timestamptz '2030-06-01 07:00+02' + ((n - 1) % 29) * interval '1 day' + ((n - 1) / 29) * interval '20 minutes'
          -- the other 99,000 over ten years, moved out of June 2030
          else timestamptz '2026-01-01 09:00+01' + (n % 3650) * interval '1 day' + (n % 11) * interval '1 hour'
            + case when n % 3650 between 1612 and 1642 then interval '60 days' else interval '0' end
        end as ts
        from generate_series(1, ${TOTAL}) n
      ) s
      `.execute(bench.db);
    await sql`
      insert into variants (content_item_id, language, text, status)
      select i.id, l.lang, case l.lang when 'fr' then 'Votre avertissement-extrait de rôle arrive : voici comment le lire. ' || i.local_date
                                  else 'Uw aanslagbiljet komt eraan: zo leest u het. ' || i.local_date end, 'draft'
      from content_items i cross join (values ('fr'), ('nl')) l(lang)`.execute(bench.db);
    await sql`
      insert into content_item_channels (content_item_id, channel_id)
      select i.id, c.id from content_items i cross join (select id from channels where language <> 'bilingual') c`.execute(bench.db);
    // What autovacuum does after a bulk load: statistics, and the visibility map for index-only scans.
    await sql`vacuum analyze`.execute(bench.db);
    const counts = await sql<{ total: number; month: number }>`
      select count(*)::int as total, count(*) filter (where local_date between '2030-06-01' and '2030-06-30')::int as month from content_items`.execute(bench.db);
    report("calendar.seed_items_total", counts.rows[0]!.total, "items");
    report("calendar.seed_items_in_month", counts.rows[0]!.month, "items");
    report("calendar.seed_time", (performance.now() - seedStart) / 1000, "s");
    void channels;

    // The loader's work, called directly: the grid's range query, the coverage's, and channels, questions and notes.
    const query = parseCalendarQuery(MONTH, new URLSearchParams())!;
    for (let i = 0; i < 10; i++) await calendarData(ctx, query.period, query.filters);
    const serviceTimes: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      await calendarData(ctx, query.period, query.filters);
      serviceTimes.push(performance.now() - t0);
    }
    serviceTimes.sort((a, b) => a - b);
    report("calendar.month_service_p50", percentile(serviceTimes, 50), "ms");
    report("calendar.month_service_p95", percentile(serviceTimes, 95), "ms");

    // The month view's statement, as the loader runs it: a range scan on the index.
    const plan = await monthGridPlan(bench.db, query.period, { channelIds: [], statuses: [], tagSlugs: [] }, MONTH_CELL_LIMIT);
    report("calendar.range_query_uses_index", plan.some((line) => line.includes("content_items_scheduled_at_idx")) ? 1 : 0, "bool");

    const server = await startProductionServer(bench.url);
    try {
      // The loader over HTTP, as the browser asks for it (Remix single fetch: /calendar/2030-06.data),
      // from the production server in its own process, with no browser running yet (in production
      // the browser is not on the server's machine). Two figures: the server's own (its
      // Server-Timing header: request in to answer out), and the whole round trip seen by this client.
      const session = await signInService(ctx, { email: "bench@test.be", password: "bench-password-1" });
      if (!session.ok) throw new Error("the bench user cannot sign in");
      const cookie = (await commitSessionCookie(ctx, session.sessionToken, session.expiresAt)).split(";")[0]!;
      const httpTimes: number[] = [];
      const serverTimes: number[] = [];
      // A long-running server's steady state: the first 50 answers warm up the JIT; 200 are measured.
      for (let i = 0; i < 250; i++) {
        const t0 = performance.now();
        const response = await fetch(`${server.url}/calendar/${MONTH}.data`, { headers: { cookie } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`the month's loader answered ${response.status}`);
        if (i < 50) continue;
        httpTimes.push(performance.now() - t0);
        serverTimes.push(Number(/app;dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "")?.[1] ?? NaN));
      }
      httpTimes.sort((a, b) => a - b);
      serverTimes.sort((a, b) => a - b);
      report("calendar.month_loader_server_p50", percentile(serverTimes, 50), "ms");
      report("calendar.month_loader_server_p95", percentile(serverTimes, 95), "ms");
      report("calendar.month_loader_http_p50", percentile(httpTimes, 50), "ms");
      report("calendar.month_loader_http_p95", percentile(httpTimes, 95), "ms");

      const browser = await launchBrowser();
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await signIn(page, server.url, "bench@test.be", "bench-password-1");
        page.on("pageerror", (error) => process.stderr.write(`page error: ${error.message}\n`));

        const interactive: number[] = [];
        const contentLoaded: number[] = [];
        for (let i = 0; i < 7; i++) {
          await page.goto(`${server.url}/calendar/${MONTH}`, { waitUntil: "load" });
          await page.waitForFunction(() => performance.getEntriesByName("cadence:calendar-interactive").length > 0);
          const timing = await page.evaluate(() => ({
            interactive: performance.getEntriesByName("cadence:calendar-interactive")[0]!.startTime,
            domContentLoaded: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
          }));
          if (i >= 2) {
            interactive.push(timing.interactive);
            contentLoaded.push(timing.domContentLoaded);
          }
        }
        interactive.sort((a, b) => a - b);
        contentLoaded.sort((a, b) => a - b);
        report("calendar.month_dom_content_loaded_median", percentile(contentLoaded, 50), "ms");
        report("calendar.month_interactive_median", percentile(interactive, 50), "ms");
        report("calendar.month_interactive_max", interactive[interactive.length - 1]!, "ms");

        // A drop: from mouse-up to the event drawn inside the target day (checked on every frame).
        const drops: number[] = [];
        for (let i = 0; i < 5; i++) {
          await page.goto(`${server.url}/calendar/${MONTH}`, { waitUntil: "load" });
          await page.waitForFunction(() => performance.getEntriesByName("cadence:calendar-interactive").length > 0);
          // The first item that can move in one of the middle weeks (published items cannot).
          const source = page.locator(".rbc-month-row").nth(1 + (i % 3)).locator(".rbc-event:not(.status-published)").first();
          const itemId = await source.locator("[data-item-id]").getAttribute("data-item-id");
          const target = monthCell(page, FIRST, "2030-06-30");
          const cellIndex = dayIndex(FIRST, "2030-06-30");
          // A string, not a function: the in-page code must not depend on the bundler's helpers.
          // The target's box is read on every frame, since the page may scroll during the drag.
          await page.evaluate(`
            window.__drop = new Promise((resolve) => {
              document.addEventListener("mouseup", () => {
                const t0 = performance.now();
                const check = () => {
                  if (performance.now() - t0 > 10000) return resolve(-1);
                  const cell = document.querySelectorAll(".rbc-month-row")[${Math.floor(cellIndex / 7)}]
                    ?.querySelectorAll(".rbc-day-bg")[${cellIndex % 7}];
                  const el = document.querySelector('[data-item-id="${itemId}"]');
                  const r = el && el.getBoundingClientRect();
                  const box = cell && cell.getBoundingClientRect();
                  const cx = r ? r.left + r.width / 2 : -1;
                  const cy = r ? r.top + r.height / 2 : -1;
                  if (r && box && cx >= box.left && cx <= box.right && cy >= box.top && cy <= box.bottom) resolve(performance.now() - t0);
                  else requestAnimationFrame(check);
                };
                requestAnimationFrame(check);
              }, { capture: true, once: true });
            });
            0;`);
          await dragTo(page, source, target);
          const elapsed = Number(await page.evaluate("window.__drop"));
          if (elapsed < 0) {
            await page.screenshot({ path: ".cache/drop-failed.png", fullPage: true });
            const where = await page.evaluate(`Array.from(document.querySelectorAll('[data-item-id="${itemId}"]')).map((e) => JSON.stringify(e.getBoundingClientRect()) + " " + e.closest(".rbc-month-row, .rbc-overlay, body")?.className)`);
            const cell = await target.boundingBox();
            throw new Error(`the dropped event was not drawn in its target day within 10 s: ${JSON.stringify(where)} cell ${JSON.stringify(cell)}`);
          }
          drops.push(elapsed);
          await eventOf(page, itemId!).waitFor();
        }
        drops.sort((a, b) => a - b);
        report("calendar.drop_redraw_median", percentile(drops, 50), "ms");
        report("calendar.drop_redraw_max", drops[drops.length - 1]!, "ms");
      } finally {
        await browser.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    await bench.close();
  }
}
