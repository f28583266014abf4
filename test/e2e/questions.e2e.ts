import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import { demoQuestions } from "../../app/seed/demo-questions";
import { makeChannel, makePasswordUser } from "../factories";
import { createTestDatabase, testContext, type TestDatabase } from "../setup/database";
import { startTestServer } from "../setup/web";
import { launchBrowser } from "./browser";
import { expectText, newSignedInPage } from "./helpers";

let t: TestDatabase;
let server: RunningWebServer;
let browser: Browser;
const NOW = new Date("2030-06-12T08:00:00Z");
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  t = await createTestDatabase();
  const ctx = testContext(t.db, { now: () => NOW });
  for (const [email, roles, uiLanguage] of [
    ["editor@test.be", ["editor"], "nl"],
    ["admin@test.be", ["admin"], "en"],
  ] as const) {
    await makePasswordUser(ctx, { email, password: PASSWORD, roles, uiLanguage });
  }
  await t.db
    .insertInto("recurring_questions")
    .values(demoQuestions.map((q) => ({ slug: q.slug, label_fr: q.fr, label_nl: q.nl, keywords_fr: q.keywordsFr, keywords_nl: q.keywordsNl, monthly_volume: q.volume })))
    .execute();
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

async function signedIn(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  return await newSignedInPage(context, server.url, email, PASSWORD);
}

describe("recurring questions in chromium", () => {
  it("suggests questions while the Dutch text is typed; one click tags the item, and the tag is saved", async () => {
    const page = await signedIn("editor@test.be");
    await page.goto(`${server.url}/items/new?date=2030-06-18`);
    await page.locator("#frText").fill("Vous avez reçu une proposition de déclaration simplifiée ?");
    await page.locator("#nlText").pressSequentially("Uw belastingaangifte online invullen");
    const suggestions = page.getByTestId("tag-suggestions");
    await expectText(suggestions, /Hoe vul ik mijn aangifte in via Tax-on-web\?/);
    await expectText(suggestions, /belastingaangifte/);
    await suggestions.getByRole("button", { name: /^Label toevoegen: Hoe vul ik mijn aangifte in via Tax-on-web/ }).click();
    expect(await page.getByRole("checkbox", { name: "Hoe vul ik mijn aangifte in via Tax-on-web?" }).isChecked()).toBe(true);
    await page.getByRole("checkbox", { name: /X FR/ }).check();
    await page.getByRole("checkbox", { name: /X NL/ }).check();
    await page.getByRole("button", { name: "Opslaan" }).click();
    await page.waitForURL(/\/items\/[0-9a-f-]+\?/);
    const id = new URL(page.url()).pathname.split("/")[2]!;
    const tags = await t.db
      .selectFrom("item_tags")
      .innerJoin("recurring_questions", "recurring_questions.id", "item_tags.recurring_question_id")
      .select("recurring_questions.slug")
      .where("item_tags.content_item_id", "=", id)
      .execute();
    expect(tags.map((r) => r.slug)).toEqual(["declaration-tax-on-web"]);
    // The suggestion kept as a tag teaches the model: recorded as accepted, in the language it was suggested for.
    const verdicts = await t.db
      .selectFrom("tag_feedback")
      .innerJoin("recurring_questions", "recurring_questions.id", "tag_feedback.recurring_question_id")
      .select(["recurring_questions.slug", "tag_feedback.verdict", "tag_feedback.language"])
      .where("tag_feedback.content_item_id", "=", id)
      .execute();
    expect(verdicts).toContainEqual({ slug: "declaration-tax-on-web", verdict: "accepted", language: "nl" });
    await page.context().close();
  });

  it("an empty day of the calendar offers a post with the questions to cover first", async () => {
    const page = await signedIn("editor@test.be");
    await page.goto(`${server.url}/calendar/2030-06`);
    await page.getByTestId("gap-2030-06-25").click();
    await page.waitForURL(/\/items\/new\?date=2030-06-25&gap=1&channel=/);
    const gaps = page.getByTestId("gap-questions");
    // Never covered, the largest volume first: the refund question.
    await expectText(gaps.locator("li").first(), /belastingterugbetaling/);
    // The day's empty channels come ticked.
    expect(await page.getByRole("checkbox", { name: /X FR/ }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: /X NL/ }).isChecked()).toBe(true);
    await gaps.locator("li").first().getByRole("button").click();
    expect(await page.getByRole("checkbox", { name: "Wanneer krijg ik mijn belastingterugbetaling?" }).isChecked()).toBe(true);
    await page.context().close();
  });

  it("the questions page, the coverage report and the editor's suggestions have no serious or critical axe violation", async () => {
    const page = await signedIn("admin@test.be");
    const results: Record<string, string[]> = {};
    for (const path of ["/questions", "/reports/questions/2030-06"]) {
      await page.goto(`${server.url}${path}`);
      await page.waitForLoadState("networkidle");
      const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      results[path] = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
    }
    await expectText(page.getByTestId("coverage-summary"), /1 of 20 questions have a post this month; \d+ with a high volume have none/);
    const editor = await signedIn("editor@test.be");
    await editor.goto(`${server.url}/items/new?date=2030-06-20&gap=1`);
    await editor.locator("#frText").fill("Les remboursements arrivent");
    await expectText(editor.getByTestId("tag-suggestions"), /remboursement/);
    const axe = await new AxeBuilder({ page: editor }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    results.editor = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
    expect(results).toEqual({ "/questions": [], "/reports/questions/2030-06": [], editor: [] });
    await page.context().close();
    await editor.context().close();
  });
});
