import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import { seedDemo } from "../../app/seed/seed-demo";
import { createTestDatabase, testContext, type TestDatabase } from "../setup/database";
import { startTestServer } from "../setup/web";
import { launchBrowser } from "./browser";

let t: TestDatabase;
let server: RunningWebServer;
let browser: Browser;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db, new Date());
  server = await startTestServer(testContext(t.db, { demo: true }));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.drop();
});

describe("the app shell in chromium", () => {
  it("the demo editor signs in, sees the shell in French, switches to Dutch, and signs out", async () => {
    const context = await browser.newContext({ locale: "fr-BE" });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.url()).toMatch(/\/login$/);
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    expect(await page.textContent("h1")).toBe("Connexion à Cadence");

    await page.getByLabel("Adresse e-mail").fill("editor@demo.cadence.test");
    await page.getByLabel("Mot de passe").fill("demo-editor-cadence");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL(/\/calendar\/\d{4}-\d{2}$/);
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    await expect.poll(() => page.getByTestId("signed-in-user").textContent()).toContain("Sophie Lambert");
    expect(await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Calendrier" }).count()).toBe(1);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Calendrier — /);
    // An editor is not an administrator: no Users link.
    expect(await page.getByRole("link", { name: "Utilisateurs" }).count()).toBe(0);

    await page.getByLabel("Langue de l'interface").selectOption("nl");
    await page.getByRole("button", { name: "Changer", exact: true }).click();
    await page.waitForFunction(() => document.documentElement.lang === "nl");
    expect(await page.getByRole("navigation", { name: "Hoofdnavigatie" }).getByRole("link", { name: "Kalender" }).count()).toBe(1);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Kalender — /);
    expect(await page.getByTestId("signed-in-user").textContent()).toContain("Aangemeld als Sophie Lambert");

    await page.getByRole("button", { name: "Afmelden" }).click();
    await page.waitForURL(/\/login\?signedOut=1$/);
    await expect.poll(() => page.getByRole("status").textContent()).toBe("U bent afgemeld.");
    await page.goto(`${server.url}/plan`);
    await page.waitForURL(/\/login\?redirectTo=%2Fplan$/);
    await context.close();
  });

  it("a wrong password shows the message in the page language and keeps the user on the sign-in page", async () => {
    const context = await browser.newContext({ locale: "en-GB", extraHTTPHeaders: { "Accept-Language": "en-GB,en;q=0.9" } });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("E-mail address").fill("editor@demo.cadence.test");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("The e-mail address or password is incorrect.");
    expect(new URL(page.url()).pathname).toBe("/login");
    await context.close();
  });

  it("runs under a Content-Security-Policy without inline scripts: Remix's carry the nonce, an injected one is refused", async () => {
    const context = await browser.newContext({ locale: "en-GB", extraHTTPHeaders: { "Accept-Language": "en-GB,en;q=0.9" } });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const response = await page.goto(`${server.url}/login`);
    const policy = response!.headers()["content-security-policy"]!;
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain("unsafe-inline'; script");
    expect(response!.headers()["x-content-type-options"]).toBe("nosniff");
    const nonce = /'nonce-([^']+)'/.exec(policy)![1]!;
    const html = await response!.text();
    const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)([^>]*)>/g)];
    expect(inline.length).toBeGreaterThan(0);
    for (const [, attributes] of inline) expect(attributes).toContain(`nonce="${nonce}"`);
    // The page is hydrated (Remix's scripts ran): signing in goes through client-side navigation.
    await page.getByLabel("E-mail address").fill("editor@demo.cadence.test");
    await page.getByLabel("Password").fill("demo-editor-cadence");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/calendar\/\d{4}-\d{2}$/);
    await page.waitForSelector(".rbc-calendar");
    // Nothing of Cadence's own was refused on the way.
    expect(violations).toEqual([]);
    // A script injected into the page without the nonce does not run.
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { injected?: boolean };
      const refused = new Promise<boolean>((resolve) => {
        document.addEventListener("securitypolicyviolation", () => resolve(true), { once: true });
        setTimeout(() => resolve(false), 2_000);
      });
      const s = document.createElement("script");
      s.textContent = "window.injected = true";
      document.body.appendChild(s);
      return { injected: w.injected === true, refused: await refused };
    });
    expect(ran).toEqual({ injected: false, refused: true });
    await context.close();
  });
});
