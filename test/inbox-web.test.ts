import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../app/domain/csv";
import type { RunningWebServer } from "../app/server/web.server";
import { createApiToken } from "../app/services/api.server";
import type { AppContext } from "../app/services/context.server";
import { SMTPServer } from "smtp-server";
import { alertOverdueConversations, collectInbox, purgeExpiredConversations } from "../app/services/inbox.server";
import { openApiDocument } from "../app/services/openapi.server";
import { adapterDeps } from "../app/services/publishing.server";
import { startConversation } from "../db/repositories/inbox";
import type { Channel, User } from "../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makePasswordUser } from "./factories";
import { makeApiChannel } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { signedInClient, startTestServer } from "./setup/web";

/**
 * The inbox over HTTP: the response-time report (figures of a month computed by hand), a citizen's
 * access and erasure requests, the retention purge, and the API with its OpenAPI schemas.
 */
let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let fake: FakeNetworks;
let mastodon: Channel;
let responder: User;
let clock = new Date("2026-08-03T12:00:00Z");
const PASSWORD = "correct horse battery";

/** A conversation that arrived at `arrived` (Brussels, July 2026), answered after `answeredAfter` minutes. */
async function conversation(handle: string, language: "fr" | "nl", arrived: string, answeredAfter: number | null, dueAfterMinutes: number, state: "answered" | "closed" | "new" = answeredAfter === null ? "new" : "answered") {
  const at = new Date(arrived);
  const c = await startConversation(t.db, { channelId: mastodon.id, citizenHandle: handle, language, at, dueAt: new Date(at.getTime() + dueAfterMinutes * 60_000), remoteId: `r-${handle}-${arrived}`, text: `Message de ${handle}` });
  await t.db
    .updateTable("conversations")
    .set({ state, first_response_at: answeredAfter === null ? null : new Date(at.getTime() + answeredAfter * 60_000), closed_at: state === "closed" ? new Date(at.getTime() + 60_000) : null, updated_at: at })
    .where("id", "=", c.id)
    .execute();
  return c.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db, { now: () => clock });
  fake = await startFakeNetworks();
  mastodon = await makeApiChannel(ctx, "mastodon", "bilingual", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
  responder = await makePasswordUser(ctx, { email: "responder@test.be", displayName: "Rita Responder", roles: ["responder"] });
  await makePasswordUser(ctx, { email: "admin@test.be", displayName: "Ada Admin", roles: ["admin"] });
  await makePasswordUser(ctx, { email: "viewer@test.be", displayName: "Victor Viewer", roles: ["viewer"] });
  await makePasswordUser(ctx, { email: "approver@test.be", displayName: "Anna Approver", roles: ["approver"] });
  await makePasswordUser(ctx, { email: "colleague@test.be", displayName: "Colin Colleague", roles: ["responder"] });
  // July 2026, by hand: French answered after 60, 120 and 600 min (the last one late), one French
  // overdue without an answer, one closed as thanks; Dutch answered after 30 and 90 min.
  await conversation("a@fake.social", "fr", "2026-07-06T08:00:00Z", 60, 480);
  await conversation("b@fake.social", "fr", "2026-07-07T08:00:00Z", 120, 480);
  await conversation("c@fake.social", "fr", "2026-07-08T08:00:00Z", 600, 480);
  await conversation("d@fake.social", "fr", "2026-07-09T08:00:00Z", null, 480);
  await conversation("e@fake.social", "fr", "2026-07-10T08:00:00Z", null, 480, "closed");
  await conversation("f@fake.social", "nl", "2026-07-13T08:00:00Z", 30, 480);
  await conversation("g@fake.social", "nl", "2026-07-14T08:00:00Z", 90, 480);
  server = await startTestServer(ctx);
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
  await t?.drop();
});

describe("the response-time report", () => {
  it("shows the month's mean, median, 90th percentile and share within the rule, as a chart with its table and as CSV; a viewer gets a 403", async () => {
    const client = await signedInClient(server.url, "responder@test.be", PASSWORD);
    const page = await client.request("/reports/response-times/2026-07");
    expect(page.status).toBe(200);
    expect(page.text).toContain("5 of 7 conversations answered; median 1.5 h; 66.7% within one business day (the team&#x27;s reference: 2.5 h on average).");
    expect(page.text).toContain('role="img"');
    const csv = parseCsv((await client.request("/reports/response-times/2026-07/export")).text);
    const header = csv[0]!;
    const byGroup = new Map(csv.slice(1).map((r) => [`${r[0]}|${r[1]}`, Object.fromEntries(header.map((h, i) => [h, r[i]]))]));
    expect(byGroup.get("(all)|(all)")).toMatchObject({ conversations: "7", answered: "5", pending: "0", no_answer_needed: "1", mean_minutes: "180.0", median_minutes: "90.0", p90_minutes: "408.0", within_rule_share: "0.6667" });
    expect(byGroup.get("(all)|fr")).toMatchObject({ answered: "3", mean_minutes: "260.0", within_rule_share: "0.5000" });
    expect(byGroup.get("(all)|nl")).toMatchObject({ answered: "2", median_minutes: "60.0", within_rule_share: "1.0000" });
    expect((await client.request("/reports/response-times/2026-13")).status).toBe(404);
    const viewer = await signedInClient(server.url, "viewer@test.be", PASSWORD);
    expect((await viewer.request("/reports/response-times/2026-07")).status).toBe(403);
  });
});

describe("a citizen's personal data", () => {
  it("an admin downloads what the inbox holds of a citizen, then erases it: messages gone everywhere, figures kept, audited without the handle", async () => {
    const admin = await signedInClient(server.url, "admin@test.be", PASSWORD);
    const exported = await admin.request("/inbox/personal-data/export", { form: { handle: "@A@fake.social" } });
    expect(exported.status).toBe(200);
    const data = JSON.parse(exported.text) as { conversations: { messages: { text: string }[] }[] };
    expect(data.conversations.flatMap((c) => c.messages.map((m) => m.text))).toEqual(["Message de a@fake.social"]);

    expect((await admin.request("/inbox/personal-data", { form: { handle: "a@fake.social" } })).status).toBe(400);
    const erased = await admin.request("/inbox/personal-data", { form: { handle: "a@fake.social", confirm: "yes" } });
    expect(erased.status).toBe(200);
    expect(await t.db.selectFrom("inbox_messages").select("id").where("author_handle", "=", "a@fake.social").execute()).toEqual([]);
    expect(await t.db.selectFrom("conversations").select("id").where("citizen_handle", "=", "a@fake.social").execute()).toEqual([]);
    // The report still counts the conversation.
    const csv = parseCsv((await admin.request("/reports/response-times/2026-07/export")).text);
    expect(csv[1]![2]).toBe("7");
    const audited = await t.db.selectFrom("audit_events").select(["action", "subject_id", "after"]).where("subject_type", "=", "citizen").orderBy("id").execute();
    expect(audited.map((a) => a.action)).toEqual(["citizen.exported", "citizen.erased"]);
    expect(JSON.stringify(audited)).not.toContain("fake.social");

    const responderClient = await signedInClient(server.url, "responder@test.be", PASSWORD);
    expect((await responderClient.request("/inbox/personal-data")).status).toBe(403);
    expect((await responderClient.request("/inbox/personal-data/export", { form: { handle: "b@fake.social" } })).status).toBe(403);
  });

  it("the retention purge forgets conversations that ended more than 13 months ago and keeps the rest", async () => {
    const old = await conversation("old@fake.social", "fr", "2025-05-05T08:00:00Z", 30, 480);
    const recent = await conversation("recent@fake.social", "fr", "2026-06-01T08:00:00Z", 30, 480);
    const open = await conversation("open@fake.social", "fr", "2025-04-01T08:00:00Z", null, 480);
    expect(await purgeExpiredConversations(ctx)).toEqual({ purged: 1 });
    const rows = await t.db.selectFrom("conversations").select(["id", "citizen_handle", "first_response_at"]).where("id", "in", [old, recent, open]).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(old)).toMatchObject({ citizen_handle: "" });
    expect(byId.get(old)!.first_response_at).not.toBeNull();
    expect(byId.get(recent)).toMatchObject({ citizen_handle: "recent@fake.social" });
    // Still waiting for an answer: never purged, whatever its age.
    expect(byId.get(open)).toMatchObject({ citizen_handle: "open@fake.social" });
    expect(await t.db.selectFrom("inbox_messages").select("id").where("conversation_id", "=", old).execute()).toEqual([]);
  });
});

describe("the API", () => {
  it("lists a queue and answers a conversation, as OpenAPI describes; a read-only token cannot answer", async () => {
    const token = await createApiToken(ctx, responder, { name: "bot", scope: "write" });
    const readOnly = await createApiToken(ctx, responder, { name: "reader", scope: "read" });
    if (!token.ok || !readOnly.ok) throw new Error("token");
    const statusId = fake.mention("mastodon", { author: "api@fake.social", text: "Bonjour, où trouver le formulaire de déclaration ?" });
    clock = new Date();
    await collectInbox(ctx, { deps: adapterDeps(ctx, fetch) });
    const call = async (method: string, path: string, bearer: string, body?: unknown) => {
      const r = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${bearer}`, "accept-language": "en", ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const list = await call("GET", "/api/v1/conversations?queue=fr", token.token);
    expect(list.status).toBe(200);
    const conversations = list.body.conversations as { id: string; citizen: string }[];
    const mine = conversations.find((c) => c.citizen === "api@fake.social")!;
    expect(mine).toBeDefined();
    expect((await call("POST", `/api/v1/conversations/${mine.id}/replies`, readOnly.token, { text: "Bonjour" })).status).toBe(403);
    expect((await call("POST", `/api/v1/conversations/${mine.id}/replies`, token.token, { text: "" })).status).toBe(422);
    const reply = await call("POST", `/api/v1/conversations/${mine.id}/replies`, token.token, { text: "Le formulaire est sur MyMinfin." });
    expect(reply).toEqual({ status: 201, body: { state: "sent", conversationId: mine.id, inReplyTo: statusId } });
    expect(fake.posts.filter((p) => p.inReplyTo === statusId)).toHaveLength(1);
    expect((await call("GET", "/api/v1/conversations?queue=nonsense", token.token)).status).toBe(422);

    const doc = openApiDocument(server.url) as { components: unknown; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> }>> };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: "cadence", components: doc.components });
    for (const [path, method, status, body] of [
      ["/api/v1/conversations", "get", "200", list.body],
      ["/api/v1/conversations/{id}/replies", "post", "201", reply.body],
    ] as const) {
      const ref = doc.paths[path]![method]!.responses[status]!.content!["application/json"]!.schema.$ref;
      const validate = ajv.compile({ $ref: `cadence${ref}` });
      expect({ path, errors: validate(body) ? null : validate.errors }).toEqual({ path, errors: null });
    }
  });
});

describe("the early warning", () => {
  it("a surge of messages raises a banner for approvers, with the messages behind it and the crisis hold one click away", async () => {
    clock = new Date();
    const approver = await signedInClient(server.url, "approver@test.be", PASSWORD);
    expect((await approver.request("/inbox")).text).not.toContain('data-testid="surge-banner"');
    // The same hour last week: two messages. This hour: twelve.
    for (let i = 0; i < 2; i++) await conversation(`lastweek${i}@fake.social`, "fr", new Date(clock.getTime() - 7 * 86_400_000 - 20 * 60_000).toISOString(), null, 480);
    for (let i = 0; i < 12; i++) await conversation(`surge${i}@fake.social`, i % 2 ? "nl" : "fr", new Date(clock.getTime() - (i + 1) * 60_000).toISOString(), null, 480);
    const page = await approver.request("/inbox");
    expect(page.text).toContain('data-testid="surge-banner"');
    const lastHour = await t.db.selectFrom("inbox_messages").select("id").where("written_at", ">=", new Date(clock.getTime() - 3_600_000)).execute();
    expect(lastHour.length).toBeGreaterThanOrEqual(12);
    expect(page.text).toContain(`Citizens are writing far more than usual: ${lastHour.length} messages in the last hour, against 0.5 at this hour on the four previous weeks.`);
    const surge = await approver.request("/inbox/surge");
    expect(surge.text).toContain("surge11@fake.social");
    const responder = await signedInClient(server.url, "responder@test.be", PASSWORD);
    expect((await responder.request("/inbox")).text).not.toContain('data-testid="surge-banner"');

    const held = await approver.request("/publishing", { form: { intent: "hold", scope: "all", reason: "Surge of citizens' messages: checking before anything else goes out" } });
    expect(held.status).toBe(200);
    expect(await t.db.selectFrom("publishing_holds").select(["scope", "reason"]).where("released_at", "is", null).execute()).toEqual([
      { scope: "all", reason: "Surge of citizens' messages: checking before anything else goes out" },
    ]);
    // Once everything is held, the banner no longer offers to hold.
    const after = (await approver.request("/inbox")).text;
    expect(after).toContain('data-testid="surge-banner"');
    expect(after).not.toContain("Hold all publishing</button>");
  });
});

describe("someone else is answering", () => {
  it("a conversation manager typing an answer is shown to the others on the page and every 15 s, for 90 s at most", async () => {
    clock = new Date();
    const id = await conversation("busy@fake.social", "fr", new Date(clock.getTime() - 60_000).toISOString(), null, 480);
    const rita = await signedInClient(server.url, "responder@test.be", PASSWORD);
    const colin = await signedInClient(server.url, "colleague@test.be", PASSWORD);
    expect((await colin.request(`/inbox/${id}`)).text).not.toContain('data-testid="someone-replying"');
    expect((await rita.request(`/inbox/${id}`, { form: { intent: "typing" } })).status).toBe(200);
    expect((await colin.request(`/inbox/${id}`)).text).toContain("Rita Responder is writing an answer to this conversation right now.");
    expect(JSON.parse((await colin.request(`/inbox/${id}/presence`)).text)).toEqual({ replying: "Rita Responder" });
    // Rita does not see herself; Colin typing too does not take her place while hers runs.
    expect(JSON.parse((await rita.request(`/inbox/${id}/presence`)).text)).toEqual({ replying: null });
    await colin.request(`/inbox/${id}`, { form: { intent: "typing" } });
    expect(JSON.parse((await colin.request(`/inbox/${id}/presence`)).text)).toEqual({ replying: "Rita Responder" });
    clock = new Date(clock.getTime() + 91_000);
    expect(JSON.parse((await colin.request(`/inbox/${id}/presence`)).text)).toEqual({ replying: null });
    const viewer = await signedInClient(server.url, "viewer@test.be", PASSWORD);
    expect((await viewer.request(`/inbox/${id}`, { form: { intent: "typing" } })).status).toBe(403);
  });
});

describe("overdue conversations", () => {
  it("their assignee and the approvers are told once, in Cadence and by e-mail through the SMTP server, without the citizen's words", async () => {
    const received: { to: string[]; raw: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, session, callback) {
        let raw = "";
        stream.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
        stream.on("end", () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const port = (smtp.server.address() as { port: number }).port;
    try {
      clock = new Date();
      await t.db.updateTable("conversations").set({ state: "closed", closed_at: clock, close_reason: "spam" }).where("state", "in", ["new", "assigned", "waiting"]).execute();
      const overdue = await conversation("late@fake.social", "fr", new Date(clock.getTime() - 2 * 86_400_000).toISOString(), null, 480);
      await t.db.updateTable("conversations").set({ assignee_id: responder.id, state: "assigned" }).where("id", "=", overdue).execute();
      await conversation("ontime@fake.social", "fr", new Date(clock.getTime() - 60_000).toISOString(), null, 480);
      const mailing = { ...ctx, config: { ...ctx.config, smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: "Cadence <cadence@test.be>" } };

      expect(await alertOverdueConversations(mailing)).toEqual({ alerted: 2, emailed: 2 });
      expect(await alertOverdueConversations(mailing)).toEqual({ alerted: 0, emailed: 0 });
      expect(received.map((m) => m.to[0]).sort()).toEqual(["approver@test.be", "responder@test.be"]);
      for (const mail of received) {
        expect(mail.raw).toContain(`/inbox/${overdue}`);
        expect(mail.raw).not.toContain("Message de late@fake.social");
        expect(mail.raw).not.toContain("late@fake.social");
      }

      const client = await signedInClient(server.url, "responder@test.be", PASSWORD);
      const inbox = await client.request("/inbox");
      expect(inbox.text).toContain('data-testid="inbox-alerts"');
      const alert = await t.db.selectFrom("conversation_alerts").select("id").where("user_id", "=", responder.id).executeTakeFirstOrThrow();
      expect((await client.request("/inbox", { form: { alert: alert.id } })).status).toBe(200);
      expect((await client.request("/inbox")).text).not.toContain('data-testid="inbox-alerts"');
      const viewerAlerts = await t.db.selectFrom("conversation_alerts").innerJoin("users", "users.id", "conversation_alerts.user_id").select("users.email").execute();
      expect(viewerAlerts.map((a) => a.email).sort()).toEqual(["approver@test.be", "responder@test.be"]);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
