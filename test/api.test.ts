import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../app/server/web.server";
import { createApiToken, revokeTokenOf } from "../app/services/api.server";
import type { AppContext } from "../app/services/context.server";
import { demoQuestions } from "../app/seed/demo-questions";
import type { Channel, User } from "../db/schema";
import { createDb } from "../db/client";
import { countApiRequest } from "../db/repositories/api-tokens";
import { makeChannel, makeUser } from "./factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { startTestServer } from "./setup/web";

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let editor: User;
let viewer: User;
let translator: User;
let xFr: Channel;
let xNl: Channel;
const seen: { method: string; path: string; status: number; contentType: string; body: unknown }[] = [];

async function token(user: User, scope: "read" | "write"): Promise<string> {
  const r = await createApiToken(ctx, user, { name: `${scope} token`, scope });
  if (!r.ok) throw new Error("token");
  return r.token;
}

/** One API call, recorded for the OpenAPI check. */
async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "accept-language": "en", ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] ??= "application/json";
  const r = await fetch(base + path, { method, headers, body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body) });
  const text = await r.text();
  const contentType = r.headers.get("content-type") ?? "";
  const body: unknown = contentType.includes("json") ? JSON.parse(text) : text;
  seen.push({ method, path: path.split("?")[0]!, status: r.status, contentType, body });
  return { status: r.status, headers: r.headers, body: body as Record<string, unknown> };
}

beforeAll(async () => {
  t = await createTestDatabase();
  const base = testContext(t.db);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-api-media-"));
  ctx = { ...base, config: { ...base.config, dataDir, media: { ...base.config.media, directory: path.join(dataDir, "media") } } };
  editor = await makeUser(t.db, ["editor"], "Sophie Lambert");
  // The documented examples show English titles: the token's user reads English.
  await t.db.updateTable("users").set({ ui_language: "en" }).where("id", "=", editor.id).execute();
  viewer = await makeUser(t.db, ["viewer"]);
  translator = await makeUser(t.db, ["translator"]);
  xFr = await makeChannel(t.db, "x", "fr", "X FR");
  xNl = await makeChannel(t.db, "x", "nl", "X NL");
  await t.db
    .insertInto("recurring_questions")
    .values(demoQuestions.map((q) => ({ slug: q.slug, label_fr: q.fr, label_nl: q.nl, keywords_fr: q.keywordsFr, keywords_nl: q.keywordsNl, monthly_volume: q.volume })))
    .execute();
  server = await startTestServer(ctx);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

describe("the API's documented examples", () => {
  it("run as written in docs/api.md, in order", async () => {
    const vars: Record<string, string> = { TOKEN: await token(editor, "write"), READ_TOKEN: await token(editor, "read"), CHANNEL_FR: xFr.id, CHANNEL_NL: xNl.id };
    const blocks = [...fs.readFileSync("docs/api.md", "utf8").matchAll(/```http\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(20);
    let ran = 0;
    for (let i = 0; i < blocks.length; i += 2) {
      const request = blocks[i]!.replace(/\$([A-Z_]+)/g, (_m, name: string) => vars[name] ?? `$${name}`);
      const answer = blocks[i + 1]!;
      const [head, ...rest] = request.split("\n\n");
      const [line, ...headerLines] = head!.split("\n");
      const [method, path] = line!.split(" ");
      const headers = Object.fromEntries(headerLines.filter((h) => h.includes(":")).map((h) => [h.slice(0, h.indexOf(":")).toLowerCase(), h.slice(h.indexOf(":") + 1).trim()]));
      const body = rest.join("\n\n").trim();
      const auth = headers.authorization?.replace(/^Bearer /, "");
      delete headers.authorization;
      const r = await call(server.url, method!, path!, { token: auth, body: body || undefined, headers });
      const expected = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
      expect({ request: `${method} ${path}`, status: r.status }).toEqual({ request: `${method} ${path}`, status: expected });
      if (r.status === 201) vars.ITEM_ID = String(r.body.id);
      // Top-level values the example states literally are checked.
      const documented = answer.replace(/\$([A-Z_]+)/g, (_m, name: string) => vars[name] ?? `$${name}`);
      for (const m of documented.matchAll(/"(\w+)": ("[^"…]*"|\d+|true|false)[,}]/g)) {
        if (m[1]! in r.body) expect({ [m[1]!]: r.body[m[1]!] }).toEqual({ [m[1]!]: JSON.parse(m[2]!) as unknown });
      }
      if (typeof r.body.version === "number") vars.VERSION = String(r.body.version);
      const location = /^Location: (.+)$/m.exec(documented)?.[1];
      if (location) expect(r.headers.get("location")).toBe(location);
      ran++;
    }
    expect(ran).toBe(blocks.length / 2);
  });
});

describe("tokens, permissions and limits", () => {
  it("no token, an unknown one or a revoked one: 401; a role or a read token that may not: 403; filters and ranges are checked", async () => {
    expect((await call(server.url, "GET", "/api/v1/questions")).status).toBe(401);
    expect((await call(server.url, "GET", "/api/v1/questions", { token: "cad_nothing" })).status).toBe(401);
    const revocable = await createApiToken(ctx, viewer, { name: "to revoke", scope: "read" });
    if (!revocable.ok) throw new Error("token");
    expect((await call(server.url, "GET", "/api/v1/questions", { token: revocable.token })).status).toBe(200);
    expect(await revokeTokenOf(ctx, viewer, revocable.id)).toBe(true);
    const revoked = await call(server.url, "GET", "/api/v1/questions", { token: revocable.token });
    expect(revoked.status).toBe(401);
    expect(revoked.body.title).toBe("The token is unknown or revoked");

    const item = { localDate: "2030-07-01", localTime: "09:00", texts: { fr: { text: "Bonjour" }, nl: { text: "Hallo" } }, channelIds: [xFr.id, xNl.id] };
    const viewerWrite = await token(viewer, "write");
    expect((await call(server.url, "POST", "/api/v1/items", { token: viewerWrite, body: item })).status).toBe(403);
    expect((await call(server.url, "POST", "/api/v1/items", { token: await token(translator, "write"), body: item })).status).toBe(403);
    expect((await call(server.url, "GET", "/api/v1/items?from=2030-07-01&to=2030-07-31", { token: viewerWrite })).status).toBe(200);

    const write = await token(editor, "write");
    const noChannel = await call(server.url, "POST", "/api/v1/items", { token: write, body: { ...item, channelIds: [] } });
    expect(noChannel.status).toBe(422);
    expect(noChannel.body.errors).toEqual([{ field: "channelIds", detail: expect.any(String) as string }]);
    const badDate = await call(server.url, "POST", "/api/v1/items", { token: write, body: { ...item, localDate: "2030-02-30" } });
    expect(badDate.status).toBe(422);
    expect((badDate.body.errors as { field: string }[]).map((e) => e.field)).toEqual(["localDate"]);
    expect((await call(server.url, "POST", "/api/v1/items", { token: write, body: "{ not json" })).status).toBe(400);
    expect((await call(server.url, "POST", "/api/v1/items", { token: write, body: "x", headers: { "content-type": "text/plain" } })).status).toBe(415);
    expect((await call(server.url, "POST", "/api/v1/items", { token: write, body: { ...item, colour: "red" } })).status).toBe(422);
    expect((await call(server.url, "GET", "/api/v1/items?from=2030-01-01&to=2030-12-31", { token: write })).status).toBe(422);
    expect((await call(server.url, "GET", "/api/v1/items?from=2030-01-01", { token: write })).status).toBe(422);
    expect((await call(server.url, "GET", "/api/v1/items/not-an-id", { token: write })).status).toBe(404);
    expect((await call(server.url, "GET", "/api/v1/items/00000000-0000-4000-8000-000000000000", { token: write })).status).toBe(404);
    expect((await call(server.url, "DELETE", "/api/v1/items", { token: write })).status).toBe(405);

    // A move into the past is refused with its reason; a DST gap with a proposal.
    const created = await call(server.url, "POST", "/api/v1/items", { token: write, body: { ...item, localDate: "2030-03-29" } });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const past = await call(server.url, "POST", `/api/v1/items/${id}/move`, { token: write, body: { localDate: "2020-01-01", localTime: "09:00", version: 1 } });
    expect(past).toMatchObject({ status: 422, body: { reason: "past" } });
    const gap = await call(server.url, "POST", `/api/v1/items/${id}/move`, { token: write, body: { localDate: "2030-03-31", localTime: "02:30", version: 1 } });
    expect(gap).toMatchObject({ status: 422, body: { reason: "nonexistent", proposal: { localDate: "2030-03-31", localTime: "03:00" } } });
  });

  it("limits each token's requests per minute and says when to come back", async () => {
    const limited = { ...ctx, config: { ...ctx.config, apiRateLimitPerMinute: 3 } };
    const other = await startTestServer(limited);
    try {
      const a = await token(editor, "read");
      const b = await token(editor, "read");
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(other.url, "GET", "/api/v1/questions", { token: a })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const r = await fetch(`${other.url}/api/v1/questions`, { headers: { authorization: `Bearer ${a}` } });
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(r.headers.get("ratelimit-remaining")).toBe("0");
      // Another token has its own allowance.
      expect((await call(other.url, "GET", "/api/v1/questions", { token: b })).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it("counts the limit in the database: several web processes share it", async () => {
    // Two connection pools stand for two processes: each request is counted in the same rows.
    const pools = [createDb(t.url, { max: 1 }), createDb(t.url, { max: 1 })];
    try {
      const now = new Date();
      const estimates: number[] = [];
      for (let i = 0; i < 6; i++) estimates.push(Math.round((await countApiRequest(pools[i % 2]!, "token:shared-test", now)).estimate));
      expect(estimates).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await Promise.all(pools.map((p) => p.destroy()));
    }
    // And two web servers with a limit of 3 refuse the fourth request of a token, wherever it lands.
    const limited = { ...ctx, config: { ...ctx.config, apiRateLimitPerMinute: 3 } };
    const [one, two] = [await startTestServer(limited), await startTestServer(limited)];
    try {
      const c = await token(editor, "read");
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call((i % 2 === 0 ? one : two).url, "GET", "/api/v1/questions", { token: c })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe("media through the API", () => {
  it("uploads an image (its name in X-File-Name), sets a version's visuals by hash with their alt texts, and reads them back with the item", async () => {
    const write = await token(editor, "write");
    const upload = async (bytes: Uint8Array<ArrayBuffer>, name: string) => {
      const r = await fetch(`${server.url}/api/v1/media`, { method: "POST", headers: { authorization: `Bearer ${write}`, "content-type": "application/octet-stream", "x-file-name": encodeURIComponent(name), "accept-language": "en" }, body: bytes });
      const contentType = r.headers.get("content-type") ?? "";
      const body = (await r.json()) as Record<string, unknown>;
      seen.push({ method: "POST", path: "/api/v1/media", status: r.status, contentType, body });
      return { status: r.status, body };
    };
    const png = new Uint8Array(await sharp({ create: { width: 800, height: 450, channels: 3, background: "#114488" } }).png().toBuffer());
    const stored = await upload(png, "infographie déclaration.png");
    expect(stored).toMatchObject({ status: 201, body: { kind: "image", format: "png", width: 800, height: 450, name: "infographie déclaration.png" } });
    expect((await upload(png, "again.png")).status).toBe(200);
    expect(await upload(new TextEncoder().encode("just some text, not an image at all"), "x.png")).toMatchObject({ status: 415, body: { title: expect.any(String) as unknown, detail: expect.stringContaining("is not an image") as unknown } });

    const created = await call(server.url, "POST", "/api/v1/items", { token: write, body: { localDate: "2031-02-03", localTime: "10:00", texts: { fr: { text: "Infographie du mois." }, nl: { text: "Infografiek van de maand." } }, channelIds: [xFr.id, xNl.id] } });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const hash = String(stored.body.hash);
    const set = await call(server.url, "PUT", `/api/v1/items/${id}/visuals/fr`, { token: write, body: { version: created.body.version, visuals: [{ hash, alt: "Infographie : les étapes", containsText: true }] } });
    expect(set.status).toBe(200);
    expect((await call(server.url, "PUT", `/api/v1/items/${id}/visuals/fr`, { token: write, body: { version: created.body.version, visuals: [] } })).status).toBe(409);
    expect((await call(server.url, "PUT", `/api/v1/items/${id}/visuals/nl`, { token: write, body: { version: set.body.version, visuals: [{ hash: "b".repeat(64), alt: "x" }] } })).status).toBe(422);
    const item = await call(server.url, "GET", `/api/v1/items/${id}`, { token: write });
    expect((item.body.texts as { fr: { visuals: unknown[] } }).fr.visuals).toEqual([{ hash, kind: "image", alt: "Infographie : les étapes", sameInBothLanguages: false, containsText: true, url: `/media/${hash}` }]);
    // A read-only token may not upload.
    const read = await token(editor, "read");
    expect((await fetch(`${server.url}/api/v1/media`, { method: "POST", headers: { authorization: `Bearer ${read}` }, body: png })).status).toBe(403);
  });
});

describe("the OpenAPI description", () => {
  it("is OpenAPI 3.1 and every answer seen above matches its schema", async () => {
    const r = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(r.status).toBe(200);
    const doc = (await r.json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe("3.1.0");
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: "cadence", components: doc.components });
    const checked: string[] = [];
    expect(seen.length).toBeGreaterThan(20);
    for (const s of seen) {
      const template = Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(s.path));
      const operation = template ? doc.paths[template]![s.method.toLowerCase()] : undefined;
      if (!operation) continue;
      const response = operation.responses[String(s.status)];
      expect({ where: `${s.method} ${s.path} ${s.status}`, documented: !!response }).toEqual({ where: `${s.method} ${s.path} ${s.status}`, documented: true });
      const media = s.contentType.includes("problem+json") ? "application/problem+json" : "application/json";
      const schema = response!.content?.[media]?.schema;
      expect(schema).toBeDefined();
      const validate = ajv.compile({ $ref: `cadence${String((schema as { $ref: string }).$ref)}` });
      const valid = validate(s.body);
      expect({ where: `${s.method} ${s.path} ${s.status}`, errors: valid ? null : validate.errors }).toEqual({ where: `${s.method} ${s.path} ${s.status}`, errors: null });
      checked.push(`${s.method} ${template} ${s.status}`);
    }
    for (const needed of [
      "POST /api/v1/items 201",
      "GET /api/v1/items/{id} 200",
      "GET /api/v1/items 200",
      "PATCH /api/v1/items/{id} 200",
      "PATCH /api/v1/items/{id} 409",
      "POST /api/v1/items/{id}/move 200",
      "POST /api/v1/items/{id}/move 422",
      "GET /api/v1/items/{id}/publications 200",
      "GET /api/v1/questions 200",
      "GET /api/v1/reports/analytics/{month} 200",
      "GET /api/v1/metrics 200",
      "POST /api/v1/tags/suggest 200",
      "POST /api/v1/items 422",
      "GET /api/v1/questions 401",
      "POST /api/v1/media 201",
      "POST /api/v1/media 415",
      "PUT /api/v1/items/{id}/visuals/{language} 200",
      "PUT /api/v1/items/{id}/visuals/{language} 409",
    ]) {
      expect(checked).toContain(needed);
    }
  });
});
