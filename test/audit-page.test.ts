import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../app/server/web.server";
import type { AppContext } from "../app/services/context.server";
import { moveItem } from "../app/services/content-items.server";
import type { User } from "../db/schema";
import { makeChannel, makeItem, makePasswordUser, TEST_PASSWORD } from "./factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { signedInClient, startTestServer } from "./setup/web";

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
const users: Record<string, User> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db, { now: () => new Date("2030-05-01T08:00:00Z") });
  for (const [key, roles] of [
    ["admin", ["admin"]],
    ["editor", ["editor"]],
    ["approver", ["approver"]],
  ] as const) {
    users[key] = await makePasswordUser(ctx, { email: `${key}@test.be`, displayName: `The ${key}`, roles });
  }
  server = await startTestServer(ctx);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

/** The events table of an audit page (the filters above it list every action). */
const table = (html: string) => html.slice(html.indexOf('data-testid="audit-events"'), html.indexOf("</table>"));

const signedIn = (key: string) => signedInClient(server.url, `${key}@test.be`, TEST_PASSWORD);

describe("the audit page", () => {
  it("answers who did what to an item and when, filtered by item, person, action family and period; editors may not read it", async () => {
    const channel = await makeChannel(t.db, "x", "fr");
    const item = await makeItem(t.db, users.editor!, { localDate: "2030-06-10", channelIds: [channel.id] });
    expect((await moveItem(ctx, users.editor!, item.id, { localDate: "2030-06-11", localTime: "10:00", version: "1" })).ok).toBe(true);

    const admin = await signedIn("admin");
    const byItem = await admin.request(`/audit?item=${item.id}`);
    expect(byItem.status).toBe(200);
    expect(table(byItem.text)).toContain("item.moved");
    expect(table(byItem.text)).toContain("The editor");
    expect(table(byItem.text)).not.toContain("user.created");

    const byPerson = await admin.request(`/audit?person=${users.editor!.id}&action=item.`);
    expect(table(byPerson.text)).toContain("item.moved");
    expect(table(byPerson.text)).not.toContain("user.created");

    expect((await admin.request("/audit?from=2000-01-01&to=2000-01-31")).text).toContain("No event matches.");
    // A malformed filter is dropped, never an error.
    expect((await admin.request("/audit?person=nope&from=31-12-2030&before=-1&action=%3Cscript%3E")).status).toBe(200);

    expect((await (await signedIn("approver")).request("/audit")).status).toBe(200);
    expect((await (await signedIn("editor")).request("/audit")).status).toBe(403);
  });
});
