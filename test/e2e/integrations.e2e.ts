import AxeBuilder from "@axe-core/playwright";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import { makeChannel, makePasswordUser } from "../factories";
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
  for (const [email, roles] of [
    ["viewer@test.be", ["viewer"]],
    ["editor@test.be", ["editor"]],
    ["admin@test.be", ["admin"]],
  ] as const) {
    await makePasswordUser(ctx, { email, roles });
  }
  await makeChannel(t.db, "x", "fr", "X FR");
  server = await startTestServer(ctx);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.drop();
});

describe("calendar feeds, API tokens and the spreadsheet import in chromium", () => {
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

  it("an editor creates an API token that works once copied; the token and import pages have no serious axe violation", async () => {
    const page = await newSignedInPage(await browser.newContext(), server.url, "editor@test.be", "correct horse battery");
    const violations: Record<string, string[]> = {};
    for (const path of ["/tokens", "/plan/import"]) {
      await page.goto(`${server.url}${path}`);
      const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      violations[path] = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
    }
    expect(violations).toEqual({ "/tokens": [], "/plan/import": [] });
    await page.goto(`${server.url}/tokens`);
    await page.getByLabel("Name (what it is for)").fill("Intranet");
    await page.getByRole("button", { name: "Create the token" }).click();
    const token = await page.getByTestId("token-value").inputValue();
    const r = await fetch(`${server.url}/api/v1/questions`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    await page.getByRole("button", { name: "Revoke: Intranet" }).click();
    await expectText(page.getByRole("status").first(), /revoked/);
    expect((await fetch(`${server.url}/api/v1/questions`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    await page.context().close();
  });

  it("the audit page filters from the keyboard and has no serious axe violation", async () => {
    const page = await newSignedInPage(await browser.newContext(), server.url, "admin@test.be", "correct horse battery");
    await page.goto(`${server.url}/audit`);
    await page.getByLabel("Action").selectOption("user.created");
    await page.getByRole("button", { name: "Filter" }).press("Enter");
    await page.waitForURL(/action=user\.created/);
    await expectText(page.getByTestId("audit-events"), /user\.created/);
    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    // The archive: a month picked from the keyboard; its page has no serious violation either.
    await page.getByRole("link", { name: "Archive" }).click();
    await page.waitForURL(/\/archive\/\d{4}-\d{2}$/);
    await page.getByLabel("Month", { exact: true }).fill("2030-05");
    await page.getByRole("button", { name: "Show" }).press("Enter");
    await page.waitForURL(/\/archive\/2030-05$/);
    await expectText(page.getByTestId("archive-summary"), /0 publications of 0 posts/);
    const archiveAxe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(archiveAxe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    await page.context().close();
  });
});
