import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import type { AppContext } from "../../app/services/context.server";
import { startServerWithSso, type RunningProvider } from "../fakes/oidc-provider";
import { createTestDatabase, testContext, type TestDatabase } from "../setup/database";
import { launchBrowser } from "./browser";

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let provider: RunningProvider;
let browser: Browser;

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  ({ server, provider } = await startServerWithSso(
    ctx,
    {
      sophie: { email: "sophie.lambert@fin.test", name: "Sophie Lambert", groups: ["cadence-editors"], locale: "fr-BE" },
      guest: { email: "guest@fin.test", name: "Guest", groups: ["all-staff"] },
    },
    { passwordSignIn: false }
  ));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await provider?.close();
  await server?.close();
  await t?.drop();
});

describe("single sign-on in chromium", () => {
  it("an editor signs in with the administration's provider (PKCE) and lands on the calendar with the provider's role", async () => {
    const context = await browser.newContext({ locale: "fr-BE" });
    const page = await context.newPage();
    await page.goto(`${server.url}/calendar`);
    await page.waitForURL(/\/login\?redirectTo=%2Fcalendar$/);
    // Password sign-in is off: only the provider is offered.
    expect(await page.locator("#password").count()).toBe(0);
    await page.getByRole("link", { name: "Se connecter avec FinID" }).click();
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name="login"]').fill("sophie");
    await page.locator('input[name="password"]').fill("whatever the provider checks");
    await page.locator("button[type=submit]").click();
    await page.locator("button[type=submit]", { hasText: "Continue" }).click();
    await page.waitForURL(/\/calendar\/\d{4}-\d{2}$/);
    await expect.poll(() => page.getByTestId("signed-in-user").textContent()).toContain("Sophie Lambert");
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    // An editor, not an administrator.
    expect(await page.getByRole("link", { name: "Utilisateurs" }).count()).toBe(0);
    const user = await t.db.selectFrom("users").select(["roles", "oidc_subject"]).where("email", "=", "sophie.lambert@fin.test").executeTakeFirstOrThrow();
    expect(user).toEqual({ roles: ["editor"], oidc_subject: "sophie" });
    await context.close();
  });

  it("someone without a Cadence group comes back to the sign-in page, which says why", async () => {
    const context = await browser.newContext({ locale: "en-GB", extraHTTPHeaders: { "Accept-Language": "en-GB,en;q=0.9" } });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByRole("link", { name: "Sign in with FinID" }).click();
    await page.locator('input[name="login"]').fill("guest");
    await page.locator('input[name="password"]').fill("x");
    await page.locator("button[type=submit]").click();
    await page.locator("button[type=submit]", { hasText: "Continue" }).click();
    await page.waitForURL(/\/login\?sso=sso\.noRole$/);
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Your organisation has not given you a role in Cadence.");
    await context.close();
  });
});
