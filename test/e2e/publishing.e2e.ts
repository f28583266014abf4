import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import type { AppContext } from "../../app/services/context.server";
import { runPublisher } from "../../app/services/publishing.server";
import { createUser } from "../../app/services/users.server";
import type { Role, User } from "../../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../../fakes/networks";
import { makeApiChannel, makeDueNow, makeScheduledItems, publicationStates } from "../publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "../setup/database";
import { startTestServer } from "../setup/web";
import { launchBrowser } from "./browser";
import { expectText, pageAs } from "./helpers";

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let browser: Browser;
let fake: FakeNetworks;
const users: Record<string, User> = {};
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  fake = await startFakeNetworks();
  const people: [string, string, Role[]][] = [
    ["sophie@test.be", "Sophie Lambert", ["editor"]],
    ["marc@test.be", "Marc Dubois", ["approver"]],
    ["admin@test.be", "Alex Admin", ["admin"]],
  ];
  for (const [email, name, roles] of people) {
    const r = await createUser(ctx, { id: null, label: "test" }, { email, displayName: name, password: PASSWORD, roles, uiLanguage: "fr" });
    if (!r.ok) throw new Error("user");
    users[email] = r.user;
  }
  server = await startTestServer(ctx);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.close();
  await t?.drop();
});

const as = (email: string): Promise<Page> => pageAs(browser, server.url, email, PASSWORD);

async function publishFor(ms: number) {
  const controller = new AbortController();
  const run = runPublisher(ctx, { signal: controller.signal, maxSleepMs: 50 });
  await new Promise((r) => setTimeout(r, ms));
  controller.abort();
  await run;
}

describe("publishing in chromium", () => {
  it("a post goes to the outbox at its time, once; a channel whose authorisation is refused says why, and the health page lists it", async () => {
    const outbox = await makeApiChannel(ctx, "outbox", "bilingual", null, {});
    const x = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, { accessToken: "revoked-token" });
    const [id] = await makeScheduledItems(t.db, users["sophie@test.be"]!, users["marc@test.be"]!, [outbox, x], { count: 1, localDate: "2030-07-01" });
    await makeDueNow(t.db, [id!]);
    await publishFor(1_000);
    await publishFor(300);
    expect((await publicationStates(t.db, [id!])).map((s) => s.state).sort()).toEqual(["failed", "published"]);

    const editor = await as("sophie@test.be");
    await editor.goto(`${server.url}/outbox`);
    await expect.poll(() => editor.getByTestId("outbox-message").count()).toBe(1);
    await expectText(editor.getByTestId("outbox-message"), /Publication de test \d+ : votre déclaration en ligne\.\s+Testbericht/);

    await editor.goto(`${server.url}/items/${id!}`);
    await expectText(editor.getByTestId("publication-outbox"), /Publiée/);
    await expectText(editor.getByTestId("publication-x"), /Échouée[\s\S]*L'autorisation du compte a été refusée ou a expiré[\s\S]*Unauthorized/);

    await editor.goto(`${server.url}/publishing`);
    await expectText(editor.locator("#health-title + dl + h3"), /Canaux à reconnecter \(1\)/);
    const axe = await new AxeBuilder({ page: editor }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    await editor.context().close();
  });

  it("an approver holds everything: every page shows the banner and nothing goes out; on release the passed post is listed, not sent", async () => {
    const outbox = await makeApiChannel(ctx, "outbox", "bilingual", null, {});
    const approver = await as("marc@test.be");
    await approver.goto(`${server.url}/publishing`);
    await approver.locator("#hold-reason").fill("Incident : communication suspendue");
    await approver.getByRole("button", { name: "Suspendre la publication" }).click();
    await expectText(approver.getByRole("status").first(), /La publication est suspendue/);

    const editor = await as("sophie@test.be");
    await editor.goto(`${server.url}/calendar/2030-07`);
    await expectText(editor.getByTestId("hold-banner"), /La publication est suspendue \(Tout\) : Incident : communication suspendue/);

    const [id] = await makeScheduledItems(t.db, users["sophie@test.be"]!, users["marc@test.be"]!, [outbox], { count: 1, localDate: "2030-07-02" });
    await makeDueNow(t.db, [id!]);
    await publishFor(800);
    expect((await publicationStates(t.db, [id!])).map((s) => s.state)).toEqual(["scheduled"]);

    await approver.goto(`${server.url}/publishing`);
    await approver.getByRole("button", { name: "Lever" }).click();
    await expectText(approver.getByRole("status").first(), /1 publication dont l'heure est passée doit être reprogrammée/);
    await expectText(approver.locator("#reschedule-title"), /À reprogrammer \(1\)/);
    await publishFor(500);
    expect(await publicationStates(t.db, [id!])).toEqual([]);
    expect(await t.db.selectFrom("outbox_messages").select("id").where("channel_id", "=", outbox.id).execute()).toEqual([]);
    await editor.reload();
    expect(await editor.getByTestId("hold-banner").count()).toBe(0);
    for (const page of [editor, approver]) await page.context().close();
  });

  it("has no serious or critical axe violation on the channels, publishing and outbox pages", async () => {
    const admin = await as("admin@test.be");
    const found: Record<string, string[]> = {};
    for (const path of ["/admin/channels", "/publishing", "/outbox"]) {
      await admin.goto(`${server.url}${path}`);
      await admin.waitForLoadState("networkidle");
      const axe = await new AxeBuilder({ page: admin }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      found[path] = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
    }
    expect(found).toEqual({ "/admin/channels": [], "/publishing": [], "/outbox": [] });
    // Adding a channel without its server's address is refused next to the field, and nothing typed is lost.
    await admin.goto(`${server.url}/admin/channels`);
    await admin.locator("#new-network").selectOption("mastodon");
    await admin.locator("#new-name").fill("Mastodon FR");
    await admin.getByRole("button", { name: "Ajouter un canal" }).last().click();
    await expectText(admin.locator("#new-baseUrl-error"), /demande l'adresse de son serveur/);
    expect(await admin.locator("#new-name").inputValue()).toBe("Mastodon FR");
    await admin.context().close();
  });

  it("an admin connects an X channel with OAuth (PKCE): the tokens are stored encrypted and the connection tests well", async () => {
    const config = ctx.config as { publicUrl: string; oauth: { x: unknown } };
    config.publicUrl = server.url;
    config.oauth.x = {
      clientId: "cadence-client",
      clientSecret: "cadence-secret",
      authorizeUrl: `${fake.url}/x/oauth2/authorize`,
      tokenUrl: `${fake.url}/x/2/oauth2/token`,
      scope: "tweet.read tweet.write users.read offline.access",
      clientAuth: "basic",
    };
    const x = await t.db
      .insertInto("channels")
      .values({ network: "x", language: "fr", name: "X FR OAuth", handle: "cadence", base_url: `${fake.url}/x`, credentials_encrypted: null, needs_reconnect: true, reconnect_reason: "auth.invalid" })
      .returningAll()
      .executeTakeFirstOrThrow();
    const admin = await as("admin@test.be");
    await admin.goto(`${server.url}/admin/channels`);
    await admin.getByTestId("channel-X FR OAuth").getByRole("link", { name: "Connecter avec X" }).click();
    await admin.waitForURL(/\/admin\/channels\?connected=/);
    await expectText(admin.getByRole("status").first(), /Le canal est connecté/);
    const row = await t.db.selectFrom("channels").select(["credentials_encrypted", "needs_reconnect"]).where("id", "=", x.id).executeTakeFirstOrThrow();
    expect(row.needs_reconnect).toBe(false);
    expect(row.credentials_encrypted).not.toContain("x-token");
    await admin.getByTestId("channel-X FR OAuth").getByRole("button", { name: "Tester la connexion" }).click();
    await expectText(admin.getByTestId("channel-X FR OAuth"), /Connecté en tant que cadence/);
    // A callback that does not match the attempt (forged or replayed) connects nothing.
    await admin.goto(`${server.url}/oauth/callback?code=stolen&state=forged`);
    await expectText(admin.getByRole("alert").first(), /La connexion n'a pas pu être confirmée/);
    await admin.context().close();
  });

  it("an admin connects a Facebook page with Facebook Login: the page's own token is stored", async () => {
    const config = ctx.config as { publicUrl: string; oauth: { facebook: unknown } };
    config.publicUrl = server.url;
    config.oauth.facebook = {
      clientId: "cadence-app",
      clientSecret: "cadence-app-secret",
      authorizeUrl: `${fake.url}/facebook/dialog/oauth`,
      tokenUrl: `${fake.url}/facebook/oauth/access_token`,
      scope: "pages_show_list,pages_manage_posts,pages_read_engagement",
      clientAuth: "form",
      facebookGraphUrl: `${fake.url}/facebook`,
    };
    await t.db
      .insertInto("channels")
      .values({ network: "facebook", language: "fr", name: "Facebook FR", handle: "123", base_url: `${fake.url}/facebook`, credentials_encrypted: null })
      .execute();
    const admin = await as("admin@test.be");
    await admin.goto(`${server.url}/admin/channels`);
    await admin.getByTestId("channel-Facebook FR").getByRole("link", { name: "Connecter avec Facebook" }).click();
    await admin.waitForURL(/\/admin\/channels\?connected=/);
    await admin.getByTestId("channel-Facebook FR").getByRole("button", { name: "Tester la connexion" }).click();
    await expectText(admin.getByTestId("channel-Facebook FR"), /Connecté en tant que Cadence FR/);
    await admin.context().close();
  });
});
