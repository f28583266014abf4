import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import type { AppContext } from "../../app/services/context.server";
import { insertReadings } from "../../db/repositories/analytics";
import type { Channel, User } from "../../db/schema";
import { makePasswordUser } from "../factories";
import { makeApiChannel, makePublished } from "../publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "../setup/database";
import { startTestServer } from "../setup/web";
import { launchBrowser } from "./browser";
import { expectText, newSignedInPage } from "./helpers";

/**
 * The month's report in chromium: French vs Dutch, the channels with a goal an admin sets, the
 * days-and-hours grid with its post counts, and a question whose contact-center volumes fell after
 * it was covered; every chart an image with its table; no serious accessibility violation.
 */
let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let browser: Browser;
let xFr: Channel;
let xNl: Channel;
const PASSWORD = "correct horse battery";
const NOW = new Date("2030-03-28T10:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db, { now: () => NOW });
  const admin: User = await makePasswordUser(ctx, { email: "admin@test.be", password: PASSWORD, roles: ["admin"], uiLanguage: "fr" });
  await makePasswordUser(ctx, { email: "viewer@test.be", password: PASSWORD, roles: ["viewer"], uiLanguage: "nl" });
  xFr = await makeApiChannel(ctx, "x", "fr", null, { accessToken: "x" });
  xNl = await makeApiChannel(ctx, "x", "nl", null, { accessToken: "x" });
  await t.db.updateTable("channels").set({ name: "X FR" }).where("id", "=", xFr.id).execute();
  await t.db.updateTable("channels").set({ name: "X NL" }).where("id", "=", xNl.id).execute();
  // Twelve French and twelve Dutch posts in March, Mondays and Tuesdays at 10:00 and 14:00 Brussels time, with their 7-day readings.
  const day = (i: number) => new Date(Date.UTC(2030, 2, 4 + 7 * Math.floor(i / 4) + (i % 2), i % 4 < 2 ? 9 : 13));
  const fr = await makePublished(t.db, admin, xFr, Array.from({ length: 12 }, (_, i) => `f${i}`), day);
  const nl = await makePublished(t.db, admin, xNl, Array.from({ length: 12 }, (_, i) => `n${i}`), day, { language: "nl" });
  await insertReadings(t.db, [
    ...fr.map((id, i) => ({ publicationId: id, moment: "7d" as const, at: NOW, likes: 10 + i, reposts: 2, replies: 1, quotes: 0, impressions: 1000, views: null })),
    ...nl.map((id, i) => ({ publicationId: id, moment: "7d" as const, at: NOW, likes: 3 + (i % 3), reposts: 0, replies: 1, quotes: 0, impressions: 400, views: null })),
  ]);
  // Five questions with six months of contacts; "refund-when" is covered from January and falls by 40 %.
  const slugs = ["refund-when", "myminfin-login", "tax-on-web", "payment-plan", "address-change"];
  const qs = await t.db
    .insertInto("recurring_questions")
    .values(slugs.map((slug) => ({ slug, label_fr: `Question ${slug}`, label_nl: `Vraag ${slug}`, keywords_fr: [], keywords_nl: [] })))
    .returning(["id", "slug"])
    .execute();
  const months = ["2029-07", "2029-08", "2029-09", "2029-10", "2029-11", "2029-12", "2030-01", "2030-02", "2030-03"];
  const wiggle = [1, 1.03, 0.97, 1.02, 0.99, 1.01, 0.98, 1.02, 1];
  await t.db
    .insertInto("question_volumes")
    .values(qs.flatMap((q, k) => months.map((month, i) => ({ recurring_question_id: q.id, month, count: Math.round((300 + 50 * k) * wiggle[(i + k) % 9]! * (q.slug === "refund-when" && month >= "2030-01" ? 0.6 : 1)) }))))
    .execute();
  const refund = qs.find((q) => q.slug === "refund-when")!.id;
  const [jan] = await makePublished(t.db, admin, xFr, ["jan"], new Date("2030-01-15T09:00:00Z"));
  for (const id of [jan!, fr[0]!, nl[0]!]) {
    const item = await t.db.selectFrom("publications").select("content_item_id").where("id", "=", id).executeTakeFirstOrThrow();
    await t.db.insertInto("item_tags").values({ content_item_id: item.content_item_id, recurring_question_id: refund }).execute();
  }
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

const axe = async (page: Page) => {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
};

describe("the month's report in chromium", () => {
  it("shows French vs Dutch, the goals an admin sets, the days and hours with their counts, and the fall after coverage; accessible", async () => {
    const page = await signedIn("admin@test.be");
    await page.goto(`${server.url}/plan`);
    await page.getByRole("link", { name: "Résultats" }).click();
    await page.waitForURL(/\/reports\/analytics\/2030-03$/);
    await expectText(page.getByTestId("analytics-summary"), /24 publications, 24 avec des chiffres/);
    // French posts: (10..21) + 3 → mean 18.5; Dutch: 3..5 + 1 → mean 5: the Dutch audience gets −73 %.
    await expectText(page.getByTestId("language-gap"), /−73\s?%|-73\s?%/);
    const languages = page.getByTestId("languages");
    expect(await languages.getByRole("row", { name: /Engagement par publication/ }).getByRole("cell").allTextContents()).toEqual(["18,5", "5", "non disponible"]);
    // Every chart is one image named by its caption, and its figures are in a table.
    const chart = page.getByRole("img", { name: "Publications et objectif mensuel par canal" });
    expect(await chart.count()).toBe(1);
    expect(await page.getByRole("table", { name: "Publications et objectif mensuel par canal" }).count()).toBe(1);
    // Days and hours: Monday and Tuesday at 10 h and 14 h, six posts behind each cell.
    const grid = page.getByTestId("time-grid");
    await expectText(grid.getByRole("row", { name: /lundi/ }), /6 publications/);
    expect(await grid.locator("td.best").count()).toBe(3);
    // The question covered from January fell by about 40 % against the four others.
    await expectText(page.getByTestId("outcome-refund-when"), /environ −4\d\s?%|environ -4\d\s?%/);
    expect(await page.getByRole("table", { name: "Contacts par mois : Question refund-when" }).count()).toBe(1);
    expect(await axe(page)).toEqual([]);

    // A goal for X FR: 30 posts this month.
    await page.getByRole("textbox", { name: "Objectif mensuel de publications pour X FR" }).fill("30");
    await page.getByRole("button", { name: "Enregistrer les objectifs" }).click();
    await page.waitForURL(/saved=1/);
    await expectText(page.getByRole("status").filter({ hasText: "objectifs" }), /Les objectifs du mois sont enregistrés/);
    expect(await page.getByRole("textbox", { name: "Objectif mensuel de publications pour X FR" }).inputValue()).toBe("30");
    await page.getByRole("textbox", { name: "Objectif mensuel de publications pour X FR" }).fill("trente");
    await page.getByRole("button", { name: "Enregistrer les objectifs" }).click();
    await expectText(page.getByRole("alert"), /nombre entier/);
    expect((await t.db.selectFrom("channel_goals").select("posts").where("channel_id", "=", xFr.id).executeTakeFirstOrThrow()).posts).toBe(30);
  });

  it("speaks Dutch to a Dutch-speaking viewer, who sees the goals but cannot change them", async () => {
    const page = await signedIn("viewer@test.be");
    await page.goto(`${server.url}/reports/analytics/2030-03`);
    await expectText(page.getByRole("heading", { level: 1 }), /Resultaten/);
    expect(await page.getByTestId("channels").getByRole("row", { name: /X FR/ }).getByRole("cell").nth(1).textContent()).toBe("12 van 30");
    expect(await page.getByRole("button", { name: "Doelen bewaren" }).count()).toBe(0);
    expect(await axe(page)).toEqual([]);
  });
});
