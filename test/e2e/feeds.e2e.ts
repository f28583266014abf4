import AxeBuilder from "@axe-core/playwright";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import { createUser } from "../../app/services/users.server";
import { makeChannel } from "../factories";
import { createTestDatabase, testContext, type TestDatabase } from "../setup/database";
import { startTestServer } from "../setup/web";
import { launchBrowser } from "./browser";
import { expectText, newSignedInPage } from "./helpers";

let t: TestDatabase;
let server: RunningWebServer;
let browser: Browser;

beforeAll(async () => {
  t = await createTestDatabase();
  const ctx = testContext(t.db);
  const r = await createUser(ctx, { id: null, label: "test" }, { email: "viewer@test.be", displayName: "Viewer", password: "correct horse battery", roles: ["viewer"], uiLanguage: "en" });
  if (!r.ok) throw new Error("user");
  await makeChannel(t.db, "x", "fr", "X FR");
  server = await startTestServer(ctx);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.drop();
});

describe("calendar feeds in chromium", () => {
  it("a viewer creates a feed, reads its address once, subscribes, and revokes it; no serious axe violation", async () => {
    const page = await newSignedInPage(await browser.newContext(), server.url, "viewer@test.be", "correct horse battery");
    await page.goto(`${server.url}/feeds`);
    await page.getByLabel("Name").fill("My plan");
    await page.getByRole("checkbox", { name: "Scheduled" }).check();
    await page.getByRole("button", { name: "Create the feed" }).click();
    const address = await page.getByTestId("feed-url").inputValue();
    expect(address).toMatch(/\/feeds\/[A-Za-z0-9_-]{43}\/calendar\.ics$/);
    const feed = await fetch(address.replace(/^https?:\/\/[^/]+/, server.url));
    expect(feed.status).toBe(200);
    expect(await feed.text()).toMatch(/^BEGIN:VCALENDAR/);
    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    await page.getByRole("button", { name: "Revoke: My plan" }).click();
    await expectText(page.getByRole("status").first(), /revoked/);
    expect((await fetch(address.replace(/^https?:\/\/[^/]+/, server.url))).status).toBe(404);
    await page.context().close();
  });
});
