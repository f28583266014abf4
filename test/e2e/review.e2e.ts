import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import { checkPublishable } from "../../app/services/review.server";
import { createUser } from "../../app/services/users.server";
import type { Role } from "../../db/schema";
import { makeChannel } from "../factories";
import { createTestDatabase, testContext, type TestDatabase } from "../setup/database";
import { startTestServer } from "../setup/web";
import { launchBrowser } from "./browser";
import { expectText, newSignedInPage } from "./helpers";

let t: TestDatabase;
let server: RunningWebServer;
let browser: Browser;
// The server's clock: Wednesday 12 June 2030, 10:00 in Brussels.
const NOW = new Date("2030-06-12T08:00:00Z");
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  t = await createTestDatabase();
  const ctx = testContext(t.db, { now: () => NOW });
  const people: [string, string, Role[]][] = [
    ["sophie@test.be", "Sophie Lambert", ["editor"]],
    ["pieter@test.be", "Pieter Janssens", ["translator"]],
    ["marc@test.be", "Marc Dubois", ["approver"]],
    ["admin@test.be", "Alex Admin", ["admin"]],
  ];
  for (const [email, name, roles] of people) {
    const r = await createUser(ctx, { id: null, label: "test" }, { email, displayName: name, password: PASSWORD, roles, uiLanguage: "fr" });
    if (!r.ok) throw new Error("user");
  }
  await makeChannel(t.db, "x", "fr", "X FR");
  await makeChannel(t.db, "x", "nl", "X NL");
  server = await startTestServer(ctx);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.drop();
});

async function as(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  return await newSignedInPage(context, server.url, email, PASSWORD);
}

async function status(id: string) {
  return (await t.db.selectFrom("content_items").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status;
}

async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
}

describe("translation and approval in chromium", () => {
  it("editor writes French, translator adds Dutch, another person approves, it is scheduled; a later French edit makes the Dutch stale and withdraws approval", async () => {
    // The editor writes the French text and sends it on.
    const editor = await as("sophie@test.be");
    await editor.goto(`${server.url}/items/new?date=2030-06-20`);
    await editor.locator("#localTime").fill("10:00");
    await editor.locator("#frText").fill("Votre déclaration simplifiée arrive : vérifiez-la avant le 15 juillet.");
    await editor.getByLabel("X FR (Français)").check();
    await editor.getByLabel("X NL (Néerlandais)").check();
    await editor.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await editor.waitForURL(/\/items\/[0-9a-f-]+\?/);
    const id = new URL(editor.url()).pathname.split("/")[2]!;
    await expectText(editor.getByTestId("review-nl"), /Manquante/);
    await editor.getByRole("button", { name: "Envoyer pour approbation" }).click();
    await expectText(editor.getByRole("status").first(), /Envoyée pour approbation/);
    expect(await status(id)).toBe("in_translation");

    // The translator finds it in "My work", with its deadline, and translates it side by side.
    const translator = await as("pieter@test.be");
    await translator.goto(`${server.url}/work`);
    await expectText(translator.getByTestId(`translation-${id}`), /2030-06-18/);
    await expect.poll(() => translator.getByTestId("work-count").textContent()).toBe("1");
    await translator.getByTestId(`translation-${id}`).getByRole("link").click();
    await translator.waitForURL(/\/translate\/nl/);
    await expectText(translator.getByTestId("source-text"), /déclaration simplifiée/);
    await translator.locator("#text").fill("Uw vereenvoudigde aangifte komt eraan: controleer ze vóór 15 juli.");
    await translator.getByRole("button", { name: "Enregistrer et envoyer pour approbation" }).click();
    await translator.waitForURL(/review=submit/);
    expect(await status(id)).toBe("awaiting_approval");

    // The approver reviews the week and approves it in one step.
    const approver = await as("marc@test.be");
    await approver.goto(`${server.url}/review?from=2030-06-17&to=2030-06-24`);
    await expectText(approver.getByTestId("bulk-summary"), /1 publication, en français, néerlandais, sur 2 canaux/);
    await expectText(approver.getByTestId(`bulk-${id}`), /vereenvoudigde aangifte/);
    await approver.getByRole("button", { name: "Approuver cette publication" }).click();
    await expectText(approver.getByRole("status").first(), /1 publication\(s\) approuvée\(s\), 1 maintenant programmée/);
    expect(await status(id)).toBe("scheduled");
    expect((await checkPublishable(t.db, id)).ok).toBe(true);

    // The editor changes the French text: the Dutch is stale, approval is withdrawn.
    await editor.goto(`${server.url}/items/${id}`);
    await expectText(editor.getByTestId("publishable"), /Approuvée dans les deux langues/);
    await editor.locator("#frText").fill("Votre déclaration simplifiée arrive : vérifiez-la avant le 31 juillet.");
    await editor.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await expectText(editor.locator(".form-warn[role=status]"), /l'approbation a été retirée/);
    await expectText(editor.getByTestId("review-nl"), /Plus à jour/);
    await expectText(editor.getByTestId("not-publishable"), /La traduction en néerlandais n'est plus à jour/);
    expect(await status(id)).toBe("draft");
    expect((await checkPublishable(t.db, id)).ok).toBe(false);

    // The translator sees what changed in the source, word by word.
    await translator.goto(`${server.url}/items/${id}/translate/nl`);
    await expectText(translator.getByTestId("source-diff").locator("del"), /15/);
    await expectText(translator.getByTestId("source-diff").locator("ins"), /31/);
    // The history tells the whole story.
    await editor.goto(`${server.url}/items/${id}/history`);
    await expectText(editor.locator("h1"), /Historique/);
    await expectText(editor.locator("table"), /Créée[\s\S]*Envoyée pour approbation[\s\S]*Traduction enregistrée[\s\S]*Approuvée[\s\S]*Modifiée/);
    for (const page of [editor, translator, approver]) await page.context().close();
  });

  it("the author cannot approve their own post, an approver sends one back with a comment, and the editor finds it", async () => {
    const editor = await as("sophie@test.be");
    await editor.goto(`${server.url}/items/new?date=2030-06-21`);
    await editor.locator("#frText").fill("Tax-on-web est ouvert.");
    await editor.locator("#nlText").fill("Tax-on-web is open.");
    await editor.getByLabel("X FR (Français)").check();
    await editor.getByLabel("X NL (Néerlandais)").check();
    await editor.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await editor.waitForURL(/\/items\/[0-9a-f-]+\?/);
    const id = new URL(editor.url()).pathname.split("/")[2]!;
    await editor.getByRole("button", { name: "Envoyer pour approbation" }).click();
    await expectText(editor.getByRole("status").first(), /Envoyée pour approbation/);
    expect(await status(id)).toBe("awaiting_approval");
    // An editor has no approve button at all.
    expect(await editor.getByRole("button", { name: "Approuver" }).count()).toBe(0);

    const approver = await as("marc@test.be");
    await approver.goto(`${server.url}/items/${id}`);
    await approver.locator("#reject-comment").fill("Ajoutez le lien vers Tax-on-web.");
    await approver.getByRole("button", { name: "Renvoyer" }).click();
    await expectText(approver.getByRole("status").first(), /Renvoyée avec votre commentaire/);

    await editor.goto(`${server.url}/work`);
    await expectText(editor.locator("#rejected-title"), /Renvoyées vers moi \(1\)/);
    await expectText(editor.locator(".work-list"), /Ajoutez le lien vers Tax-on-web/);
    for (const page of [editor, approver]) await page.context().close();
  });

  // One test per person, so that each stays well inside the timeout on a busy machine (axe takes a
  // few seconds a page when the browser shares two cores with the test suite).
  it.each([
    ["sophie@test.be", (id: string) => [`/items/${id}`, "/work", "/reports/parity/2030-06"]],
    ["pieter@test.be", (id: string) => [`/items/${id}/translate/nl`, "/work"]],
    ["marc@test.be", (id: string) => ["/review?month=2030-06", `/items/${id}`]],
    ["admin@test.be", () => ["/admin/settings"]],
  ] as const)("has no serious or critical axe violation on the review pages %s sees", async (email, pathsOf) => {
    const item = await t.db.selectFrom("content_items").select("id").orderBy("created_at").executeTakeFirstOrThrow();
    const results: Record<string, string[]> = {};
    const page = await as(email);
    for (const path of pathsOf(item.id)) {
      await page.goto(`${server.url}${path}`);
      await page.waitForLoadState("networkidle");
      results[path] = await axe(page);
    }
    await page.context().close();
    expect(Object.entries(results).filter(([, v]) => v.length > 0)).toEqual([]);
  });
});
