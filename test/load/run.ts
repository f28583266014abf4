import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { benchDatabase } from "../bench/bench-database";
import { BENCH_SECRETS, benchContext, startProductionServer } from "../bench/production-server";
import { percentile, report } from "../bench/report";
import { startPlainPostgres, type PlainPostgres } from "../setup/plain-postgres";
import { LOAD_PASSWORD, seedLoad, spreadDue, type LoadPlan } from "./seed";

/**
 * `npm run load`: Cadence scaled out on a plain PostgreSQL server (Debian's, started here; or
 * DATABASE_URL's), two web processes and two schedulers, each its own process as production runs
 * them. 50 people of every role sign in; for LOAD_SECONDS (60) each of them works at LOAD_RATE
 * actions a second (0.25: one every 4 s on average, at random moments, all 50 at once) — calendar views, item pages, edits and moves through the API, approvals,
 * the review queue, API reads — spread over both web processes, while 2,000 publications fall due.
 *
 * Counted as errors: any 5xx, a connection error or timeout, and any refusal that was not intended
 * (intended: 409, someone changed it first; 429, the API's shared limit). Checked afterwards: every
 * publication sent once and only once, and no API token answered more than its limit in any minute
 * (the limit is shared by both web processes).
 */

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
/** Requests a second per person: one action every 4 s each, already far busier than a team's real pace. */
const RATE = Number(process.env.LOAD_RATE ?? 0.25);
const PUBLICATIONS = 2_000;
/** Drafts to edit and move in one month, items awaiting approval in the next (a busy team's months). */
const MONTH = "2031-03";
const NEXT_MONTH = "2031-04";
/**
 * The web processes' API_RATE_LIMIT for this run: low enough that the three tokens' calls meet it
 * (about 40 a minute each at this pace), so that the 429s and the limit's hold across the two web
 * processes are exercised, not assumed.
 */
const API_LIMIT = 30;
/**
 * From the schedulers' start to the run's: every job's first run is over (the last, purge-media, at
 * 3 minutes; after that the jobs run at their intervals, from every minute to every 24 hours).
 */
const SETTLE_MS = Number(process.env.LOAD_SETTLE_S ?? 200) * 1000;

type Action = "calendar" | "calendar-week" | "item" | "review-queue" | "approve" | "api-list" | "api-edit" | "api-move";
const WEIGHTS: Record<string, [Action, number][]> = {
  editor: [["calendar", 30], ["calendar-week", 10], ["item", 20], ["api-edit", 20], ["api-move", 10], ["api-list", 10]],
  approver: [["calendar", 30], ["review-queue", 20], ["approve", 35], ["item", 15]],
  translator: [["calendar", 50], ["item", 50]],
  viewer: [["calendar", 60], ["calendar-week", 20], ["item", 20]],
  admin: [["calendar", 40], ["approve", 20], ["api-list", 20], ["api-edit", 20]],
};

/** CPU seconds a process has used so far (user + system), from /proc; 0 once it is gone. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
/** CPU seconds of PostgreSQL's processes now running (the server and its backends). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") total += cpuSeconds(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
function weighted(choices: [Action, number][]): Action {
  let roll = Math.random() * choices.reduce((a, [, w]) => a + w, 0);
  for (const [action, w] of choices) if ((roll -= w) <= 0) return action;
  return choices[0]![0];
}

async function signIn(base: string, email: string): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: base },
    body: new URLSearchParams({ email, password: LOAD_PASSWORD, redirectTo: "" }).toString(),
    redirect: "manual",
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("cadence_session="));
  if (response.status !== 302 || !cookie) throw new Error(`sign-in of ${email}: ${response.status}`);
  return cookie.split(";")[0]!;
}

function startScheduler(databaseUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("app/cli/start.ts"), "--only=jobs"], {
    env: { ...process.env, ...BENCH_SECRETS, DATABASE_URL: databaseUrl, NODE_ENV: "production", CADENCE_DEMO: "false", LOG_LEVEL: "error" },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`a scheduler exited (${code}) before it was ready`)));
  });
}

async function main(): Promise<void> {
  let server: PlainPostgres | null = null;
  let folder: string | null = null;
  if (!process.env.DATABASE_URL) {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-load-"));
    fs.chmodSync(folder, 0o755);
    server = await startPlainPostgres(path.join(folder, "pg"));
    process.env.DATABASE_URL = server.url;
    console.log(`load: ${server.version}, started for this run`);
  }
  // Ctrl-C or a kill stops everything this run started: its processes, its database, its server.
  let stopping: Promise<void> | null = null;
  const cleanup = async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.all(webs.map((w) => w.stop()));
    await Promise.all(children.map((c) => (c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once("exit", r)))));
    await database?.close();
    server?.stop();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`load: ${signal}, stopping what the run started…`);
      stopping ??= cleanup().finally(() => process.exit(130));
    });
  }
  const children: ChildProcess[] = [];
  const webs: Awaited<ReturnType<typeof startProductionServer>>[] = [];
  let database: Awaited<ReturnType<typeof benchDatabase>> | null = null;
  database = await benchDatabase("load");
  const ctx = benchContext(database.db);
  try {
    console.log("load: seeding 50 people, drafts, items awaiting approval and 2,000 publications…");
    const plan: LoadPlan = await seedLoad(ctx, { drafts: 150, awaiting: 150, duePublications: PUBLICATIONS, month: MONTH, nextMonth: NEXT_MONTH });
    for (let i = 0; i < 2; i++) children.push(await startScheduler(database.url));
    const schedulersUp = Date.now();
    for (let i = 0; i < 2; i++) webs.push(await startProductionServer(database.url, { API_RATE_LIMIT: String(API_LIMIT) }));
    const cookies = new Map<string, string>();
    for (const [i, p] of plan.people.entries()) cookies.set(p.user.id, await signIn(webs[i % 2]!.url, p.email));
    console.log(`load: ${cookies.size} people signed in on ${webs.map((w) => w.url).join(" and ")}; 2 schedulers running`);
    // The steady state, as a team meets it: a scheduler's first minute starts every job once (each in
    // its own worker), which is not what an ordinary minute of the day looks like.
    const settle = schedulersUp + SETTLE_MS - Date.now();
    if (settle > 0) {
      console.log(`load: waiting ${Math.round(settle / 1000)} s for the schedulers' first round of jobs to end…`);
      await new Promise((r) => setTimeout(r, settle));
    }

    // The publications fall due from 5 s into the run until 5 s before its end.
    const start = Date.now();
    const cpu = () => ({ web: webs.reduce((a, w) => a + cpuSeconds(w.pid), 0), schedulers: children.reduce((a, c) => a + cpuSeconds(c.pid), 0), postgres: postgresCpuSeconds(), bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 });
    const cpuBefore = cpu();
    await spreadDue(ctx, plan.dueItems, new Date(start + 5_000), Math.max(1, Math.floor(((SECONDS - 10) * 1000) / PUBLICATIONS)));

    const drafts = new Map(plan.drafts.map((d) => [d.id, d.version]));
    const awaiting = new Map(plan.awaiting.map((a) => [a.id, a.version]));
    const statuses = new Map<string, number>();
    const unintended: string[] = [];
    const apiAnswers: { token: string; at: number; status: number }[] = [];
    const latencies: number[] = [];
    const byAction = new Map<Action, number[]>();
    let connectionErrors = 0;

    type Next = { action: Action; id?: string; token: string; method: string; path: string; headers: Record<string, string>; body?: string };
    /** One person's next action, as a request to one web process. */
    const nextRequest = (webUrl: string, who: LoadPlan["people"][number], readOnly = false): Next => {
      const roles = who.user.roles;
      const role = roles.includes("admin") ? "admin" : roles[0]!;
      const token = plan.tokens[plan.people.indexOf(who) % plan.tokens.length]!;
      let action = weighted(WEIGHTS[role]!);
      if (readOnly && (action === "approve" || action === "api-edit" || action === "api-move")) action = "calendar";
      const cookie = cookies.get(who.user.id)!;
      const page = { method: "GET", headers: { cookie, "accept-language": "fr-BE" } };
      const api = (method: string, p: string, body?: unknown) => ({ method, path: p, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const draft = pick([...drafts.keys()]);
      const day = () => `${MONTH}-${String(1 + Math.floor(Math.random() * 28)).padStart(2, "0")}`;
      switch (action) {
        case "calendar":
          return { action, token, ...page, path: `/calendar/${pick([MONTH, NEXT_MONTH])}` };
        case "calendar-week":
          return { action, token, ...page, path: `/calendar/${MONTH}?view=week&date=${MONTH}-1${Math.floor(Math.random() * 9)}` };
        case "item":
          return { action, token, id: draft, ...page, path: `/items/${draft}` };
        case "review-queue":
          return { action, token, ...page, path: "/review" };
        case "api-list":
          return { action, token, ...api("GET", `/api/v1/items?from=${MONTH}-01&to=${MONTH}-28`) };
        case "api-edit":
          return { action, token, id: draft, ...api("PATCH", `/api/v1/items/${draft}`, { version: drafts.get(draft), localDate: day(), localTime: "10:00", texts: { fr: { text: `Brouillon revu ${Math.random().toString(36).slice(2, 8)} : votre déclaration.` }, nl: { text: "Herzien ontwerp: uw aangifte." } }, channelIds: plan.channels.map((c) => c.id) }) };
        case "api-move":
          return { action, token, id: draft, ...api("POST", `/api/v1/items/${draft}/move`, { version: drafts.get(draft), localDate: day(), localTime: `${String(8 + Math.floor(Math.random() * 10)).padStart(2, "0")}:15` }) };
        case "approve": {
          const id = awaiting.size > 0 ? pick([...awaiting.keys()]) : plan.awaiting[0]!.id;
          return {
            action,
            token,
            id,
            method: "POST",
            path: `/items/${id}/review`,
            headers: { cookie, origin: webUrl, "content-type": "application/x-www-form-urlencoded", "accept-language": "fr-BE" },
            body: new URLSearchParams({ intent: "approve", version: String(awaiting.get(id) ?? 0) }).toString(),
          };
        }
      }
    };
    /** An answer: counted by action and status, versions and approvals followed, refusals judged. */
    const record = (next: Next, status: number, body: string, ms: number) => {
      latencies.push(ms);
      byAction.set(next.action, [...(byAction.get(next.action) ?? []), ms]);
      statuses.set(`${next.action} ${status}`, (statuses.get(`${next.action} ${status}`) ?? 0) + 1);
      if (next.action.startsWith("api-")) apiAnswers.push({ token: next.token, at: Date.now(), status });
      if ((next.action === "api-edit" || next.action === "api-move") && next.id) {
        if (status === 200) drafts.set(next.id, (JSON.parse(body) as { version: number }).version);
        else if (status === 409) {
          const current = (JSON.parse(body) as { current?: { version?: number } }).current?.version;
          if (current) drafts.set(next.id, current);
        }
      }
      if (next.action === "approve" && next.id && (status === 302 || status === 409)) awaiting.delete(next.id);
      if (!(status < 400 || status === 409 || status === 429)) unintended.push(`${next.action} → ${status}: ${body.slice(0, 160)}`);
    };

    // Open loop: each of the 50 people acts at random moments (exponential gaps averaging 1/RATE
    // seconds), on one of the two web processes, whatever the answers' speed — arrivals as
    // independent people make them. (autocannon's rate limit sends each connection's quota at the
    // start of every second, all connections together: bursts no team produces. It measures the
    // capacity below instead, flat out.)
    console.log(`load: ${plan.people.length} people, one action every ${(1 / RATE).toFixed(0)} s each on average, for ${SECONDS} s…`);
    const endAt = start + SECONDS * 1000;
    const inFlight = new Set<Promise<void>>();
    const gap = () => (-Math.log(1 - Math.random()) / RATE) * 1000;
    await Promise.all(
      plan.people.map(async (who, i) => {
        const web = webs[i % webs.length]!;
        for (let at = Date.now() + gap(); at < endAt; at += gap()) {
          await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
          const next = nextRequest(web.url, who);
          const started = performance.now();
          const call = fetch(web.url + next.path, { method: next.method, headers: next.headers, body: next.body, redirect: "manual", signal: AbortSignal.timeout(10_000) }).then(
            async (r) => record(next, r.status, await r.text(), performance.now() - started),
            (error: unknown) => {
              connectionErrors++;
              unintended.push(`${next.action} → no answer: ${error instanceof Error ? error.message : String(error)}`);
            },
          );
          inFlight.add(call);
          void call.finally(() => inFlight.delete(call));
        }
      }),
    );
    await Promise.all([...inFlight]);
    const elapsed = (Date.now() - start) / 1000;
    const cpuAfter = cpu();
    const total = latencies.length + connectionErrors;

    // Capacity: autocannon flat out for 10 s on both web processes, 4 connections each, reads only.
    const capacity = await Promise.all(
      webs.map(
        (web) =>
          new Promise<autocannon.Result>((resolve, reject) => {
            autocannon(
              {
                url: web.url,
                connections: 4,
                duration: 10,
                timeout: 10,
                requests: [
                  {
                    setupRequest: (req: autocannon.Request) => {
                      const next = nextRequest(web.url, pick(plan.people), true);
                      return { ...req, method: next.method as autocannon.Request["method"], path: next.path, headers: next.headers };
                    },
                  },
                ],
              },
              (error: Error | null, result) => (error ? reject(error) : resolve(result)),
            );
          }),
      ),
    );

    // Every publication settles (the last ones fell due 5 s before the end).
    const until = Date.now() + 60_000;
    let states: { state: string; n: number }[] = [];
    while (Date.now() < until) {
      states = (await sql<{ state: string; n: number }>`select state, count(*)::int as n from publications where content_item_id = any(${plan.dueItems}::uuid[]) group by state`.execute(ctx.db)).rows;
      if (!states.some((s) => s.state === "scheduled" || s.state === "sending")) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const published = states.find((s) => s.state === "published")?.n ?? 0;
    const sends = (await sql<{ sent: number; distinct: number }>`select count(*)::int as sent, count(distinct publication_id)::int as distinct from outbox_messages`.execute(ctx.db)).rows[0]!;
    const lags = (await sql<{ lag: number }>`select extract(epoch from (sent_at - due_at)) * 1000 as lag from publications where content_item_id = any(${plan.dueItems}::uuid[]) and sent_at is not null order by 1`.execute(ctx.db)).rows.map((r) => Number(r.lag));

    // The API's limit, shared by both web processes: no token answered more than its limit in a
    // minute (by the bench's clock: a request the server counted at the end of a minute may be
    // answered at the start of the next, hence a margin of 2).
    const perMinute = new Map<string, number>();
    for (const a of apiAnswers) if (a.status !== 429) perMinute.set(`${a.token} ${Math.floor(a.at / 60_000)}`, (perMinute.get(`${a.token} ${Math.floor(a.at / 60_000)}`) ?? 0) + 1);
    const overLimit = [...perMinute.values()].filter((n) => n > API_LIMIT + 2).length;

    latencies.sort((a, b) => a - b);
    const count = (pattern: RegExp) => [...statuses].filter(([k]) => pattern.test(k)).reduce((a, [, n]) => a + n, 0);
    const fiveHundreds = count(/ 5\d\d$/);
    // Every refusal not intended and every request left without an answer (connectionErrors are among them).
    const errors = unintended.length;
    console.log(`load: answers by action and status: ${[...statuses].sort().map(([k, n]) => `${k}: ${n}`).join(", ")}`);
    for (const [action, times] of [...byAction].sort()) {
      times.sort((a, b) => a - b);
      console.log(`load: ${action.padEnd(13)} ${String(times.length).padStart(5)} answers, p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms`);
    }
    if (unintended.length > 0) console.log(`load: unintended answers (first 10):\n  ${unintended.slice(0, 10).join("\n  ")}`);
    console.log(`load: publications ${published} published of ${PUBLICATIONS}; ${sends.sent} sends for ${sends.distinct} publications; states ${JSON.stringify(states)}`);
    // Where the two cores went during the run: a share of one core per kind of process.
    for (const kind of ["web", "schedulers", "postgres", "bench"] as const) report(`load.cpu_${kind}_cores`, (cpuAfter[kind] - cpuBefore[kind]) / elapsed, "cores");
    report("load.p95_ms", percentile(latencies, 95), "ms");
    report("load.p50_ms", percentile(latencies, 50), "ms");
    report("load.p99_ms", percentile(latencies, 99), "ms");
    report("load.requests_per_s", total / elapsed, "req/s");
    report("load.requests", total, "requests");
    report("load.errors", errors, "errors");
    report("load.5xx", fiveHundreds, "responses");
    report("load.no_answer", connectionErrors, "requests");
    report("load.conflicts_409", count(/ 409$/), "responses");
    report("load.rate_limited_429", count(/ 429$/), "responses");
    report("load.api_tokens_over_limit", overLimit, "token-minutes");
    report("load.publications_published", published, "publications");
    report("load.duplicate_sends", sends.sent - sends.distinct, "sends");
    report("load.capacity_requests_per_s", capacity.reduce((a, r) => a + r.requests.average, 0), "req/s");
    report("load.capacity_p95_ms", Math.max(...capacity.map((r) => r.latency.p97_5)), "ms (p97.5, autocannon's nearest)");
    // Errors flat out: no answer, a timeout or a 5xx (the API's 429s are intended here too).
    report("load.capacity_errors", capacity.reduce((a, r) => a + r.errors + r.timeouts + r["5xx"], 0), "errors");
    report("load.publish_lag_p99_ms", percentile(lags, 99), "ms");
    const failed = errors > 0 || published !== PUBLICATIONS || sends.sent !== sends.distinct || overLimit > 0;
    if (failed) {
      console.error("load: FAILED (errors, a publication not sent or sent twice, or the API's limit exceeded)");
      process.exitCode = 1;
    }
  } finally {
    await (stopping ?? cleanup());
  }
}

await main();
