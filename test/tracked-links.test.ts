import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../app/services/context.server";
import type { RunningWebServer } from "../app/server/web.server";
import type { Channel, User } from "../db/schema";
import { makeUser } from "./factories";
import { makeApiChannel, makeDueNow, makeScheduledItems, publishUntilSettled } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { startTestServer } from "./setup/web";

/**
 * Tracked links: a channel set to track links sends its posts with Cadence's short address; the
 * address redirects to the post's own link with UTM parameters and counts one click per request,
 * keeping nothing about the visitor but a robot flag. Only the post's own link can be reached; a
 * code that does not exist is a 404 page in the visitor's language.
 */
let t: TestDatabase;
let ctx: AppContext;
let web: RunningWebServer;
let author: User;
let approver: User;
let tracked: Channel;
let plain: Channel;

beforeAll(async () => {
  t = await createTestDatabase();
  const base = testContext(t.db);
  ctx = base;
  web = await startTestServer(ctx);
  ctx = { ...base, config: { ...base.config, publicUrl: web.url.replace("localhost", "127.0.0.1") } };
  author = await makeUser(t.db, ["editor"]);
  approver = await makeUser(t.db, ["approver"]);
  tracked = await makeApiChannel(ctx, "outbox", "fr", null, {});
  await t.db.updateTable("channels").set({ track_links: true }).where("id", "=", tracked.id).execute();
  plain = await makeApiChannel(ctx, "outbox", "nl", null, {});
});
afterAll(async () => {
  await web?.close();
  await t?.drop();
});

const sentLinks = async (itemId: string) =>
  await t.db.selectFrom("publications as p").innerJoin("channels as c", "c.id", "p.channel_id").select(["c.name", "p.sent_link", "p.id", "p.channel_id"]).where("p.content_item_id", "=", itemId).orderBy("c.name").execute();

describe("tracked links", () => {
  it("the tracking channel sends a short address that lands on the post's link with UTM parameters; the other keeps its link untouched", async () => {
    const [id] = await makeScheduledItems(t.db, author, approver, [tracked, plain], { count: 1, localDate: "2030-03-04", link: "https://finances.belgium.be/fr/particuliers/declaration?src=plan" });
    await makeDueNow(t.db, [id!]);
    await publishUntilSettled(ctx, [id!]);
    const rows = await sentLinks(id!);
    const tracking = rows.find((r) => r.channel_id === tracked.id)!;
    const untouched = rows.find((r) => r.channel_id === plain.id)!;
    expect(untouched.sent_link).toBe("https://finances.belgium.be/fr/particuliers/declaration?src=plan");
    expect(tracking.sent_link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/l\/[A-HJ-NP-Za-km-z2-9]{8}$/);
    // What the outbox received carries the short address too.
    const payload = await t.db.selectFrom("outbox_messages").select("payload").where("publication_id", "=", tracking.id).executeTakeFirstOrThrow();
    expect((payload.payload as { link: string }).link).toBe(tracking.sent_link);

    const browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
    const follow = (ua: string) => fetch(tracking.sent_link!, { redirect: "manual", headers: { "user-agent": ua, cookie: "x=1", referer: "https://x.com/" } });
    const first = await follow(browser);
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe(`https://finances.belgium.be/fr/particuliers/declaration?src=plan&utm_source=outbox&utm_medium=social&utm_campaign=cadence-${DateTime.now().setZone("Europe/Brussels").toFormat("yyyy-MM")}&utm_content=fr`);
    expect(first.headers.get("set-cookie")).toBeNull();
    expect(first.headers.get("cache-control")).toBe("no-store");
    await follow(browser);
    await follow("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)");
    // Counted once per request, with the time and a robot flag: nothing else about the visitor exists to be stored.
    await new Promise((r) => setTimeout(r, 600));
    const clicks = await t.db.selectFrom("link_clicks").selectAll().orderBy("id").execute();
    expect(clicks.map((c) => [c.bot])).toEqual([[false], [false], [true]]);
    expect(Object.keys(clicks[0]!).sort()).toEqual(["bot", "clicked_at", "code", "id"]);
    expect(Date.now() - clicks[0]!.clicked_at.getTime()).toBeLessThan(60_000);
    // Publishing again (a retry, a recovery) keeps the same code.
    const again = await t.db.selectFrom("tracked_links").select("code").where("publication_id", "=", tracking.id).execute();
    expect(again).toHaveLength(1);
  });

  it("no open redirect: a code leads only to its post's link; an unknown code is a translated 404 page, counted nowhere", async () => {
    const before = (await t.db.selectFrom("link_clicks").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n;
    for (const path of ["/l/ZZZZZZZZ", "/l/abc", "/l/..%2F..%2Fetc", "/l/ABCDEFGH?to=https://evil.example", "/l/https%3A%2F%2Fevil.example"]) {
      const r = await fetch(`${web.url}${path}`, { redirect: "manual", headers: { "accept-language": "nl-BE,nl;q=0.9" } });
      expect(r.status, path).toBe(404);
      expect(r.headers.get("location")).toBeNull();
      const html = await r.text();
      expect(html).toContain("Link niet gevonden");
      expect(html).toContain('lang="nl"');
    }
    const fr = await fetch(`${web.url}/l/ZZZZZZZZ`, { headers: { "accept-language": "fr-BE" } });
    expect(await fr.text()).toContain("Lien introuvable");
    await new Promise((r) => setTimeout(r, 400));
    const after = (await t.db.selectFrom("link_clicks").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n;
    expect(after).toBe(before);
  });
});
