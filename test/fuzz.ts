import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../app/server/web.server";
import { createApiToken } from "../app/services/api.server";
import { SYSTEM_ACTOR } from "../app/services/audit.server";
import type { AppContext } from "../app/services/context.server";
import { createLogger } from "../app/services/logger.server";
import { createUser } from "../app/services/users.server";
import { makeApiChannel, makeScheduledItems } from "./publishing-factories";
import { makeItem } from "./factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { Browserless, startTestServer } from "./setup/web";

/**
 * Sends thousands of hostile or malformed requests to every action and API route, and to the pages
 * that read parameters: huge strings, invalid UTF-8, control characters, script tags, SQL
 * fragments, wrong types, impossible dates, missing and repeated fields, bodies that are not what
 * their content type says. Each must get an answer below 500, and a request that is refused (4xx)
 * must not have written anything: every application table has a row trigger that counts writes,
 * so a refused request that changed a row — even one later undone by hand — is caught. (The audit
 * trail, sessions and API tokens' "last used" are left out: a refused sign-in is audited on
 * purpose, and every request with a session or token touches those.)
 *
 * The requests are shared out between shards (test/fuzz-*.test.ts), each with its own database,
 * server and seed, so that the suite's workers run them side by side.
 */

/**
 * Requests over all shards; each shard is a test file of its own, so they run side by side. CI runs
 * the suite twice with different seeds (.ci/run), so each CI run tries twice this many distinct
 * requests; FUZZ_REQUESTS asks for more (a longer hunt, by hand or at night).
 */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2_600);
const PASSWORD = "correct horse battery";

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let client: Browserless;
let token: string;
let readToken: string;
let itemId: string;
let publicationId: string;
/** The server's error log lines: a 5xx is reported with the error behind it. */
const errorLines: string[] = [];

/** A small deterministic generator (mulberry32), so a failing run can be replayed with its seed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick };
}

const HOSTILE_STRINGS = [
  "",
  " ",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE users; --",
  "1 OR 1=1",
  "' OR ''='",
  "$1",
  "%00",
  "\u0000",
  "\u0000\u0001\u0002\u0007\b\u001b[31m",
  "\r\n\r\nSet-Cookie: x=1",
  "\u202eevil\u202c",
  "\ud800",
  "\udfff\ud800",
  "💥".repeat(400),
  "e\u0301".repeat(300),
  "x".repeat(100_000),
  "A".repeat(3_001),
  "NaN",
  "Infinity",
  "-1",
  "0",
  "1e309",
  "99999999999999999999999",
  "true",
  "null",
  "undefined",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "../../../../etc/passwd",
  "javascript:alert(1)",
  "http://",
  "https://example.org/" + "a".repeat(5_000),
  "2030-02-30",
  "2030-13-01",
  "0000-00-00",
  "9999-99-99",
  "2026-03-29",
  "02:30",
  "25:61",
  "24:00",
  "10:00",
  "2030-05-12",
  "2030-05",
  "2030-5",
  "00000000-0000-0000-0000-000000000000",
  "not-a-uuid",
  "fr",
  "nl",
  "de",
  "xx",
  "all",
  "read",
  "write",
  "admin",
  "superuser",
];

/** The form fields the app's forms use, to reach past "unknown field" into each route's own checks. */
const FIELDS = [
  "intent", "version", "id", "localDate", "localTime", "occurrence", "textFr", "textNl", "text", "linkFr", "linkNl", "link",
  "altFr", "altNl", "alt", "channelIds", "channel", "tags", "email", "password", "displayName", "roles", "uiLanguage", "name",
  "scope", "reason", "language", "lang", "comment", "body", "enabled", "action", "remoteUrl", "slug", "fr", "nl", "keywords_fr",
  "keywords_nl", "monthlyVolume", "network", "handle", "baseUrl", "month", "redirectTo", "back", "item", "submit", "key",
  "value", "fourEyes", "statuses", "channelIds[]", "textDe", "targetDate", "date", "time", "active", "format", "file", "content",
];
const INTENTS = [
  "save", "delete", "duplicate", "archive", "create", "revoke", "hold", "release", "reconnected", "test", "approve", "reject",
  "submit", "german", "exception-request", "exception-decide", "exception-withdraw", "comment", "volumes", "import", "upload",
  "dismiss", "preview", "confirm", "deactivate", "reset", "nonsense",
];

type Target = { method: string; path: (f: { item: string; pub: string; bad: string }) => string; kind: "form" | "json" | "get" };

/** Every route with an action, every API route, and the pages that read path or query parameters. */
const TARGETS: Target[] = [
  { method: "POST", path: () => "/login", kind: "form" },
  { method: "POST", path: () => "/language", kind: "form" },
  { method: "POST", path: () => "/items/new", kind: "form" },
  { method: "POST", path: (f) => `/items/${f.item}`, kind: "form" },
  { method: "POST", path: (f) => `/items/${f.bad}`, kind: "form" },
  { method: "POST", path: (f) => `/items/${f.item}/move`, kind: "form" },
  { method: "POST", path: (f) => `/items/${f.bad}/move`, kind: "form" },
  { method: "POST", path: (f) => `/items/${f.item}/review`, kind: "form" },
  { method: "POST", path: (f) => `/items/${f.item}/translate/nl`, kind: "form" },
  { method: "POST", path: (f) => `/items/${f.item}/translate/${f.bad}`, kind: "form" },
  { method: "POST", path: () => "/day-notes", kind: "form" },
  { method: "POST", path: (f) => `/publications/${f.pub}`, kind: "form" },
  { method: "POST", path: (f) => `/publications/${f.bad}`, kind: "form" },
  { method: "POST", path: () => "/publishing", kind: "form" },
  { method: "POST", path: () => "/review", kind: "form" },
  { method: "POST", path: () => "/admin/users", kind: "form" },
  { method: "POST", path: () => "/admin/channels", kind: "form" },
  { method: "POST", path: () => "/admin/settings", kind: "form" },
  { method: "POST", path: () => "/questions", kind: "form" },
  { method: "POST", path: () => "/feeds", kind: "form" },
  { method: "POST", path: () => "/tokens", kind: "form" },
  { method: "POST", path: () => "/plan/import", kind: "form" },
  { method: "POST", path: () => "/work", kind: "form" },
  { method: "POST", path: () => "/api/v1/items", kind: "json" },
  { method: "PATCH", path: (f) => `/api/v1/items/${f.item}`, kind: "json" },
  { method: "PATCH", path: (f) => `/api/v1/items/${f.bad}`, kind: "json" },
  { method: "POST", path: (f) => `/api/v1/items/${f.item}/move`, kind: "json" },
  { method: "POST", path: () => "/api/v1/tags/suggest", kind: "json" },
  { method: "GET", path: (f) => `/api/v1/items?from=${f.bad}&to=${f.bad}&status=${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/api/v1/items/${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/api/v1/items/${f.bad}/publications`, kind: "get" },
  { method: "GET", path: (f) => `/calendar/${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/calendar/2030-05?view=${f.bad}&channel=${f.bad}&status=${f.bad}&tag=${f.bad}&missing=${f.bad}&item=${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/items/${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/items/new?date=${f.bad}&channel=${f.bad}&gap=${f.bad}&back=${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/items/${f.bad}/history?back=${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/audit?person=${f.bad}&item=${f.bad}&action=${f.bad}&from=${f.bad}&to=${f.bad}&before=${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/archive/${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/archive/${f.bad}/export?format=${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/reports/questions/${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/reports/parity/${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/plan/export?month=${f.bad}&format=${f.bad}&sep=${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/plan?month=${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/review?from=${f.bad}&to=${f.bad}&month=${f.bad}&weeks=${f.bad}`, kind: "get" },
  { method: "GET", path: (f) => `/feeds/${f.bad}/calendar.ics`, kind: "get" },
  { method: "GET", path: (f) => `/login?redirectTo=${f.bad}`, kind: "get" },
];

/** A path or query value: hostile text, percent-encoded, or raw invalid percent-encoding. */
function badSegment(g: ReturnType<typeof generator>): string {
  const roll = g.int(6);
  if (roll === 0) return g.pick(["%FF", "%C3%28", "%E2%82", "%ZZ", "%", "%00", "%2e%2e%2f", "..%2F..%2F"]);
  const value = g.pick(HOSTILE_STRINGS).slice(0, 2_000);
  // Lone surrogates cannot be encoded: they are sent as the bytes a broken client would send.
  try {
    return encodeURIComponent(value);
  } catch {
    return "%ED%A0%80";
  }
}

/** A body: a form, JSON with wrong types, or bytes that are not what the content type says. */
function body(g: ReturnType<typeof generator>, kind: Target["kind"]): { contentType?: string; data?: string | Uint8Array } {
  const roll = g.int(10);
  if (roll === 0) return { contentType: "application/x-www-form-urlencoded", data: new Uint8Array([0x74, 0x65, 0x78, 0x74, 0x3d, 0xff, 0xfe, 0xc3, 0x28, 0x80]) };
  if (roll === 1) return { contentType: kind === "json" ? "application/json" : "application/x-www-form-urlencoded", data: g.pick(["{", '{"a":', "[1,2", "%%%", "a=%ZZ&b=%", "\u0000\u0001", "null", "42", '"x"', "[]"]) };
  if (roll === 2) return { contentType: "multipart/form-data; boundary=xyz", data: g.pick(["--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n\u0000\u00ff\r\n--xyz--", "garbage", "--xyz\r\n\r\n"]) };
  if (roll === 3) return {};
  const fields: [string, unknown][] = [];
  const count = g.int(9);
  for (let i = 0; i < count; i++) {
    const name = g.int(8) === 0 ? g.pick(HOSTILE_STRINGS).slice(0, 50) : g.pick(FIELDS);
    const value = name === "intent" ? g.pick(INTENTS) : g.pick(HOSTILE_STRINGS);
    fields.push([name, value]);
  }
  if (kind === "json") {
    const wrongTypes: unknown[] = [null, 42, -1.5, true, [], {}, ["a", 1, null], { nested: { deeper: [{}] } }, "x".repeat(70_000)];
    const object: Record<string, unknown> = {};
    for (const [name, value] of fields) object[name] = g.int(3) === 0 ? g.pick(wrongTypes) : value;
    const top = g.int(8) === 0 ? g.pick(wrongTypes) : object;
    return { contentType: g.int(10) === 0 ? "text/plain" : "application/json", data: JSON.stringify(top) };
  }
  const params = new URLSearchParams();
  for (const [name, value] of fields) params.append(name, String(value));
  return { contentType: "application/x-www-form-urlencoded", data: params.toString() };
}

/** Defines one shard's requests: `shard` of `shards`, seeded FUZZ_SEED (or a fixed seed) plus the shard. */
export function fuzzShard(shard: number, shards: number): void {
  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = { ...testContext(t.db, { now: () => new Date("2030-04-20T08:00:00Z") }), log: createLogger({ level: "error", write: (line) => errorLines.push(line) }) };
    ctx.config = { ...ctx.config, apiRateLimitPerMinute: 100_000 };
    const created = await createUser(ctx, SYSTEM_ACTOR, {
      email: "everyone@fuzz.test",
      displayName: "Every role",
      password: PASSWORD,
      roles: ["admin", "editor", "translator", "approver", "viewer"],
      uiLanguage: "en",
    });
    if (!created.ok) throw new Error("user");
    const write = await createApiToken(ctx, created.user, { name: "fuzz", scope: "write" });
    const read = await createApiToken(ctx, created.user, { name: "fuzz read", scope: "read" });
    if (!write.ok || !read.ok) throw new Error("token");
    token = write.token;
    readToken = read.token;
    const author = await createUser(ctx, SYSTEM_ACTOR, { email: "author@fuzz.test", displayName: "Author", password: PASSWORD, roles: ["editor"], uiLanguage: "en" });
    if (!author.ok) throw new Error("user");
    const outbox = await makeApiChannel(ctx, "outbox", "bilingual", null, {});
    itemId = (await makeItem(t.db, author.user, { localDate: "2030-05-12", channelIds: [outbox.id] })).id;
    const [scheduled] = await makeScheduledItems(t.db, author.user, created.user, [outbox], { count: 1, localDate: "2030-05-13" });
    publicationId = (await t.db.selectFrom("publications").select("id").where("content_item_id", "=", scheduled!).executeTakeFirstOrThrow()).id;

    // Every write to an application table counts, inside the writing transaction (a rolled-back
    // write leaves no count). Bookkeeping of the request itself is left out: sessions, a token's last
    // use, the API's rate-limit counter (every request counts, refused or not: decision 0024).
    await sql`create table fuzz_writes (n bigint not null)`.execute(t.db);
    await sql`insert into fuzz_writes values (0)`.execute(t.db);
    await sql`create function fuzz_count_write() returns trigger language plpgsql as $$ begin update fuzz_writes set n = n + 1; return null; end; $$`.execute(t.db);
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = current_schema()
      and tablename not in ('fuzz_writes', 'audit_events', 'sessions', 'api_tokens', 'api_rate_windows', 'kysely_migration', 'kysely_migration_lock')`.execute(t.db);
    for (const { tablename } of tables.rows) {
      await sql`create trigger fuzz_count after insert or update or delete on ${sql.table(tablename)} for each row execute function fuzz_count_write()`.execute(t.db);
    }
    server = await startTestServer(ctx);
    client = new Browserless(server.url, { "accept-language": "en" });
    const signIn = await client.request("/login", { form: { email: "everyone@fuzz.test", password: PASSWORD, redirectTo: "" } });
    if (signIn.status !== 302) throw new Error(`sign-in: ${signIn.status}`);
  });
  afterAll(async () => {
    await server?.close();
    await t?.drop();
  });

  const writes = async () => Number((await sql<{ n: string }>`select n from fuzz_writes`.execute(t.db)).rows[0]!.n);

  describe("hostile and malformed requests", () => {
    const requests = Math.ceil(REQUESTS / shards);
    it(`${requests} of them (shard ${shard} of ${shards}) to every action, API route and parameterised page: no 5xx, and nothing written by a refused one`, async () => {
      const seed = Number(process.env.FUZZ_SEED ?? 20261201) + shard - 1;
      const g = generator(seed);
      const statuses = new Map<number, number>();
      const fiveHundreds: string[] = [];
      const writtenWhenRefused: string[] = [];
      const cookie = `cadence_session=${client.cookie("cadence_session")}`;
      let previous = "";
      for (let i = 0; i < requests; i++) {
        const target = g.pick(TARGETS);
        const path = target.path({ item: itemId, pub: publicationId, bad: badSegment(g) });
        const headers: Record<string, string> = { "accept-language": g.pick(["en", "fr-BE", "nl-BE", "xx", "*", "", "fr;q=abc"]), origin: server.url };
        // The API is called with a token (sometimes a read-only or a wrong one); pages with the session.
        if (path.startsWith("/api/")) headers.authorization = `Bearer ${g.pick([token, token, token, readToken, "cad_wrong", ""])}`;
        else headers.cookie = cookie;
        const b = target.kind === "get" ? {} : body(g, target.kind);
        if (b.contentType) headers["content-type"] = b.contentType;
        const before = await writes();
        let status: number;
        let text = "";
        try {
          const r = await fetch(server.url + path, { method: target.method, headers, body: b.data as BodyInit | undefined, redirect: "manual" });
          status = r.status;
          text = await r.text();
        } catch (error) {
          // The server dropped the connection: as bad as a 500.
          status = 599;
          text = `${String(error)} ${String((error as { cause?: unknown }).cause)}`;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) fiveHundreds.push(`#${i} ${target.method} ${path.slice(0, 120)} → ${status} (after ${previous}) body ${typeof b.data === "string" ? b.data.slice(0, 300) : "bytes"}: ${errorLines.at(-1)?.slice(0, 600) ?? text.slice(0, 120)}`);
        previous = `${target.method} ${path.slice(0, 80)} ${b.contentType ?? ""} ${typeof b.data === "string" ? b.data.length : b.data?.length ?? 0} → ${status}`;
        if (status >= 400 && (await writes()) !== before) writtenWhenRefused.push(`#${i} ${target.method} ${path.slice(0, 120)} → ${status}`);
      }
      const total = [...statuses.values()].reduce((a, b) => a + b, 0);
      const count = (from: number, to: number) => [...statuses].filter(([s]) => s >= from && s < to).reduce((a, [, n]) => a + n, 0);
      console.log(`fuzz shard ${shard}/${shards}: ${total} requests (seed ${seed}): ${count(200, 300)} 2xx, ${count(300, 400)} 3xx, ${count(400, 500)} 4xx, ${count(500, 600)} 5xx`);
      expect(fiveHundreds.slice(0, 40)).toEqual([]);
      expect(writtenWhenRefused).toEqual([]);
      expect(total).toBe(requests);
      expect(count(400, 500)).toBeGreaterThan(total / 2);
      // The session survived (the run tested the routes, not the sign-in page).
      expect((await client.request("/calendar/2030-05")).status).toBe(200);
    }, 600_000);
  });
}
