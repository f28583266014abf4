import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can, ROLES, type Action, type Role } from "../app/domain/permissions";
import type { RunningWebServer } from "../app/server/web.server";
import { createApiToken } from "../app/services/api.server";
import type { AppContext } from "../app/services/context.server";
import { startConversation } from "../db/repositories/inbox";
import type { User } from "../db/schema";
import { makeChannel, makeItem, makePasswordUser } from "./factories";
import { makeApiChannel, makeScheduledItems } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { Browserless, signedInClient, startTestServer } from "./setup/web";

/**
 * Walks the whole permission matrix: every role × every action, over the web (the forms and pages
 * the app itself uses) and over the API where it offers the action. Each request is either allowed
 * (anything but a 403, never a 5xx; the inputs are chosen so an allowed request changes nothing
 * that later requests depend on) or a 403 that says, in the user's language, that the role does
 * not allow it. The expected answer comes from the matrix in docs/permissions.md, which must
 * equal the one the code enforces.
 */

const FORBIDDEN_TEXT = "Your role does not allow this page or action. Ask an administrator if you need access.";
const PASSWORD = "correct horse battery";

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
const users = {} as Record<Role, User>;
const clients = {} as Record<Role, Browserless>;
const tokens = {} as Record<Role, string>;
let itemId: string;
let publicationId: string;
let conversationId: string;

interface Fixture {
  itemId: string;
  publicationId: string;
  conversationId: string;
}

type Answer = { status: number; text: string };
type Call = (as: Role, f: Fixture) => Promise<Answer>;

const web = (path: (f: Fixture) => string, form?: Record<string, string>): Call => async (as, f) => await clients[as].request(path(f), form ? { form } : {});

async function api(as: Role, method: string, path: string, body?: unknown): Promise<Answer> {
  const r = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${tokens[as]}`, "accept-language": "en", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, text: await r.text() };
}

/** The web and API requests that exercise each action of the matrix. */
const CASES: { action: Action; name: string; call: Call }[] = [
  { action: "plan.read", name: "web: the month's calendar", call: web(() => "/calendar/2030-05") },
  { action: "plan.read", name: "web: an item's page", call: web((f) => `/items/${f.itemId}`) },
  { action: "plan.read", name: "web: the plan export", call: web(() => "/plan/export?month=2030-05&format=csv") },
  { action: "plan.read", name: "API: list items", call: async (as) => await api(as, "GET", "/api/v1/items?from=2030-05-01&to=2030-05-31") },
  { action: "plan.read", name: "API: an item's publications", call: async (as, f) => await api(as, "GET", `/api/v1/items/${f.itemId}/publications`) },
  { action: "item.write", name: "web: the new item page", call: web(() => "/items/new") },
  { action: "item.write", name: "web: create an item (empty form)", call: web(() => "/items/new", { intent: "save" }) },
  { action: "item.write", name: "web: edit an item (stale version)", call: web((f) => `/items/${f.itemId}`, { intent: "save", version: "999" }) },
  { action: "item.write", name: "web: the spreadsheet import", call: web(() => "/plan/import") },
  { action: "item.write", name: "API: create an item (empty body)", call: async (as) => await api(as, "POST", "/api/v1/items", {}) },
  { action: "item.write", name: "API: edit an item (stale version)", call: async (as, f) => await api(as, "PATCH", `/api/v1/items/${f.itemId}`, { version: 999 }) },
  { action: "item.move", name: "web: move an item (into the past)", call: web((f) => `/items/${f.itemId}/move`, { localDate: "2001-01-01", localTime: "10:00", version: "1" }) },
  { action: "item.move", name: "API: move an item (into the past)", call: async (as, f) => await api(as, "POST", `/api/v1/items/${f.itemId}/move`, { localDate: "2001-01-01", localTime: "10:00", version: 1 }) },
  { action: "dayNote.write", name: "web: save a day note (empty)", call: web(() => "/day-notes", { localDate: "2030-05-10", textFr: "", textNl: "" }) },
  { action: "variant.translate", name: "web: the translation page", call: web((f) => `/items/${f.itemId}/translate/nl`) },
  { action: "variant.translate", name: "web: save a translation (stale version)", call: web((f) => `/items/${f.itemId}/translate/nl`, { text: "", version: "999" }) },
  { action: "item.approve", name: "web: the bulk approval page", call: web(() => "/review") },
  { action: "item.approve", name: "web: approve an item (stale version)", call: web((f) => `/items/${f.itemId}/review`, { intent: "approve", version: "999" }) },
  { action: "item.approve", name: "web: reject an item (stale version)", call: web((f) => `/items/${f.itemId}/review`, { intent: "reject", version: "999", comment: "x" }) },
  { action: "publishing.hold", name: "web: hold publishing (no reason)", call: web(() => "/publishing", { intent: "hold", scope: "all", reason: "" }) },
  { action: "publication.manage", name: "web: act on a publication (unknown action)", call: web((f) => `/publications/${f.publicationId}`, { action: "nonsense" }) },
  { action: "users.manage", name: "web: the users page", call: web(() => "/admin/users") },
  { action: "users.manage", name: "web: create a user (empty form)", call: web(() => "/admin/users", { intent: "create" }) },
  { action: "channels.manage", name: "web: the channels page", call: web(() => "/admin/channels") },
  { action: "channels.manage", name: "web: save a channel (empty form)", call: web(() => "/admin/channels", { intent: "save" }) },
  { action: "settings.manage", name: "web: the settings page", call: web(() => "/admin/settings") },
  { action: "settings.manage", name: "web: save the settings (empty form)", call: web(() => "/admin/settings", {}) },
  { action: "questions.manage", name: "web: save a question (empty form)", call: web(() => "/questions", { intent: "save" }) },
  { action: "inbox.read", name: "web: the inbox", call: web(() => "/inbox?queue=fr") },
  { action: "inbox.read", name: "web: a conversation", call: web((f) => `/inbox/${f.conversationId}`) },
  { action: "inbox.answer", name: "web: triage a conversation (stale version)", call: web((f) => `/inbox/${f.conversationId}`, { intent: "wait", version: "999" }) },
  { action: "inbox.answer", name: "web: answer a conversation (empty answer)", call: web((f) => `/inbox/${f.conversationId}`, { intent: "reply", text: "" }) },
  { action: "inbox.approveReply", name: "web: approve an answer (none waiting)", call: web((f) => `/inbox/${f.conversationId}`, { intent: "decide", decision: "approve", reply: "00000000-0000-4000-8000-000000000000" }) },
  { action: "inbox.read", name: "API: list a queue of the inbox", call: async (as) => await api(as, "GET", "/api/v1/conversations?queue=fr") },
  { action: "inbox.answer", name: "API: answer a conversation (empty answer)", call: async (as, f) => await api(as, "POST", `/api/v1/conversations/${f.conversationId}/replies`, { text: "" }) },
  { action: "inbox.personalData", name: "web: a citizen's data", call: web(() => "/inbox/personal-data") },
  { action: "inbox.personalData", name: "web: erase a citizen's data (not confirmed)", call: web(() => "/inbox/personal-data", { handle: "nobody@matrix.test" }) },
  { action: "inbox.personalData", name: "web: export a citizen's data", call: web(() => "/inbox/personal-data/export", { handle: "nobody@matrix.test" }) },
  { action: "audit.read", name: "web: the audit page", call: web(() => "/audit") },
  { action: "audit.read", name: "web: the month's archive", call: web(() => "/archive/2030-05") },
  { action: "audit.read", name: "web: the archive export", call: web(() => "/archive/2030-05/export?format=json") },
];

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db, { now: () => new Date("2030-04-20T08:00:00Z") });
  for (const role of ROLES) {
    users[role] = await makePasswordUser(ctx, { email: `${role}@matrix.test`, displayName: `The ${role}`, password: PASSWORD, roles: [role] });
    const token = await createApiToken(ctx, users[role], { name: "matrix", scope: "write" });
    if (!token.ok) throw new Error("token");
    tokens[role] = token.token;
  }
  // Written by someone outside the matrix, so that "four eyes" never decides an answer.
  const author = await makePasswordUser(ctx, { email: "author@matrix.test", displayName: "The author", password: PASSWORD, roles: ["editor"] });
  const channel = await makeChannel(t.db, "x", "bilingual");
  itemId = (await makeItem(t.db, author, { localDate: "2030-05-12", channelIds: [channel.id] })).id;
  const outbox = await makeApiChannel(ctx, "outbox", "bilingual", null, {});
  const [scheduled] = await makeScheduledItems(t.db, author, users.approver, [outbox], { count: 1, localDate: "2030-05-13" });
  const publication = await t.db.selectFrom("publications").select("id").where("content_item_id", "=", scheduled!).executeTakeFirstOrThrow();
  publicationId = publication.id;
  const conversation = await startConversation(t.db, { channelId: channel.id, citizenHandle: "citizen@matrix.test", language: "fr", at: new Date(), dueAt: new Date(), remoteId: "m-1", text: "Bonjour" });
  conversationId = conversation.id;
  server = await startTestServer(ctx);
  for (const role of ROLES) {
    clients[role] = await signedInClient(server.url, `${role}@matrix.test`, PASSWORD);
  }
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

/** The matrix as docs/permissions.md writes it: action → roles ticked. */
function documentedMatrix(): Map<string, Role[]> {
  const doc = fs.readFileSync("docs/permissions.md", "utf8");
  const header = doc.split("\n").find((l) => l.startsWith("| Action |"))!;
  const columns = header.split("|").slice(2, -1).map((c) => c.trim());
  const rows = new Map<string, Role[]>();
  for (const line of doc.split("\n")) {
    const m = /^\|[^|]*\(`([a-zA-Z.]+)`\)[^|]*\|(.*)\|$/.exec(line);
    if (!m) continue;
    const cells = m[2]!.split("|").map((c) => c.trim());
    rows.set(
      m[1]!,
      columns.filter((_, i) => cells[i] === "✓") as Role[],
    );
  }
  return rows;
}

describe("the permission matrix", () => {
  it("docs/permissions.md writes down exactly the matrix the code enforces", () => {
    const documented = documentedMatrix();
    const actions = [...new Set(CASES.map((c) => c.action))];
    expect([...documented.keys()].sort()).toEqual([...actions].sort());
    for (const action of actions) expect([action, documented.get(action)]).toEqual([action, ROLES.filter((r) => can([r], action))]);
  });

  it("every role × every action over the web and the API: allowed, or a 403 that says why", async () => {
    const fixture = { itemId, publicationId, conversationId };
    const outcomes: string[] = [];
    const wrong: string[] = [];
    for (const c of CASES) {
      for (const role of ROLES) {
        const allowed = can([role], c.action);
        const answer = await c.call(role, fixture);
        // Allowed: the route answered (a page, a redirect, or its own refusal of the input), never
        // a 403, and never a 404 or 405 that would mean the request missed its route.
        const ok = allowed ? ![403, 404, 405].includes(answer.status) && answer.status < 500 : answer.status === 403 && answer.text.includes(FORBIDDEN_TEXT);
        outcomes.push(`${c.action} ${role}: ${answer.status}`);
        if (!ok) wrong.push(`${c.name} as ${role}: expected ${allowed ? "allowed" : "403 with the message"}, got ${answer.status} ${answer.text.slice(0, 160)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(outcomes).toHaveLength(CASES.length * ROLES.length);
  });
});
