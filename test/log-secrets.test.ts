import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../app/server/web.server";
import { createApiToken, revokeTokenOf } from "../app/services/api.server";
import type { AppContext } from "../app/services/context.server";
import { createFeed } from "../app/services/feeds.server";
import { createLogger } from "../app/services/logger.server";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makeApiChannel, makeDueNow, makeScheduledItems, publicationStates, publishUntilSettled } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { Browserless, startTestServer } from "./setup/web";
import { makePasswordUser } from "./factories";

/**
 * Every log line the web app and the publisher write while people sign in (right and wrong), use
 * API tokens and feed addresses (valid, revoked, forged), send cross-site requests, hit errors, and
 * publish to a network that refuses the channel's token: none holds a password, a session, an API
 * or feed token, a network token, or one of the server's own secrets.
 */

const PASSWORD = "correct horse battery staple";
let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let fake: FakeNetworks;
const lines: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = { ...testContext(t.db), log: createLogger({ level: "debug", write: (line) => lines.push(line) }) };
  fake = await startFakeNetworks();
  server = await startTestServer(ctx);
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
  await t?.drop();
});

describe("the logs", () => {
  it("never hold a secret", async () => {
    const user = await makePasswordUser(ctx, { email: "logs@test.be", displayName: "Logs", password: PASSWORD, roles: ["editor", "approver"] });
    const secrets: string[] = [PASSWORD, ctx.config.sessionSecret, ctx.config.credentialsKey.toString("base64")];

    const client = new Browserless(server.url);
    await client.request("/login", { form: { email: "logs@test.be", password: `${PASSWORD}-wrong`, redirectTo: "" } });
    secrets.push(`${PASSWORD}-wrong`);
    expect((await client.request("/login", { form: { email: "logs@test.be", password: PASSWORD, redirectTo: "" } })).status).toBe(302);
    secrets.push(client.cookie("cadence_session")!);

    const api = await createApiToken(ctx, user, { name: "logs", scope: "write" });
    const revoked = await createApiToken(ctx, user, { name: "revoked", scope: "read" });
    if (!api.ok || !revoked.ok) throw new Error("token");
    await revokeTokenOf(ctx, user, revoked.id);
    secrets.push(api.token, revoked.token);
    for (const token of [api.token, revoked.token, "cad_forged-token-that-is-long-enough-to-look-real-0123"]) {
      await fetch(`${server.url}/api/v1/items?from=2030-01-01&to=2030-01-31`, { headers: { authorization: `Bearer ${token}` } });
      await fetch(`${server.url}/api/v1/items`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{not json" });
    }
    const feed = await createFeed(ctx, user, { name: "Outlook", channelIds: [], statuses: [], language: "fr" });
    if (!feed.ok) throw new Error("feed");
    secrets.push(feed.token);
    await fetch(`${server.url}/feeds/${feed.token}/calendar.ics`);
    await fetch(`${server.url}/feeds/${feed.token}x/calendar.ics`);
    // A cross-site form aimed at a feed address with the session cookie: refused, and logged.
    await fetch(`${server.url}/feeds/${feed.token}/calendar.ics`, { method: "POST", headers: { origin: "https://evil.example", cookie: `cadence_session=${client.cookie("cadence_session")}` } });
    await client.request(`/items/not-an-id?token=${api.token}`);

    // A network that refuses the channel's access token.
    const networkToken = "x-access-token-that-the-network-refuses-0123456789";
    secrets.push(networkToken);
    const x = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, { accessToken: networkToken });
    fake.fail("x", { status: 401, body: { title: "Unauthorized", detail: "Unauthorized", status: 401 } });
    const [item] = await makeScheduledItems(t.db, user, user, [x], { count: 1, localDate: "2030-02-03" });
    await makeDueNow(t.db, [item!]);
    await publishUntilSettled(ctx, [item!]);
    expect((await publicationStates(t.db, [item!]))[0]?.state).toBe("failed");

    expect(lines.length).toBeGreaterThanOrEqual(2);
    const all = lines.join("\n");
    expect(all).toContain("cross-origin request refused");
    expect(all).toContain('"msg":"publication"');
    expect(all).toContain('"path":"/feeds/[redacted]/calendar.ics"');
    for (const secret of secrets) expect({ secret: secret.slice(0, 6), found: all.includes(secret) }).toEqual({ secret: secret.slice(0, 6), found: false });
  });
});
