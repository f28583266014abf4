import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import { brusselsMonthOf } from "../../app/domain/time/brussels";
import type { AppContext } from "../../app/services/context.server";
import { makeApiChannel, makeDueNow, makeScheduledItems, publishUntilSettled } from "../publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "../setup/database";
import { startTestServer } from "../setup/web";
import { launchBrowser } from "./browser";
import { newSignedInPage } from "./helpers";
import { makePasswordUser } from "../factories";

// A post whose text is markup: it must show as the characters typed, everywhere, and never run.
const FR = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> Déclaration`;
const NL = `<b onmouseover="window.__pwned = 3">Aangifte</b> <script>window.__pwned = 4</script>`;

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let browser: Browser;
let itemId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db, { demo: true });
  const editor = await makePasswordUser(ctx, { email: "editor@xss.test", displayName: "Editor", roles: ["editor", "admin"] });
  const approver = await makePasswordUser(ctx, { email: "approver@xss.test", displayName: "Approver", roles: ["approver"] });
  const fr = await makeApiChannel(ctx, "outbox", "fr", null, {});
  const nl = await makeApiChannel(ctx, "outbox", "nl", null, {});
  [itemId] = (await makeScheduledItems(t.db, editor, approver, [fr, nl], { count: 1, localDate: "2030-05-13", texts: { fr: FR, nl: NL } })) as [string];
  await makeDueNow(t.db, [itemId]);
  await publishUntilSettled(ctx, [itemId]);
  server = await startTestServer(ctx);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.drop();
});

async function expectShownAsText(page: Page, texts: string[]) {
  const seen = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
    injectedImages: document.querySelectorAll('img[src="x"]').length,
    injectedBold: document.querySelectorAll("b[onmouseover]").length,
    text: document.body.innerText,
  }));
  expect({ pwned: seen.pwned, injectedImages: seen.injectedImages, injectedBold: seen.injectedBold }).toEqual({ pwned: null, injectedImages: 0, injectedBold: 0 });
  for (const text of texts) expect(seen.text).toContain(text);
}

describe("a post text containing markup", () => {
  it("shows as plain text in the calendar, the editor, the previews and the outbox, and never runs", async () => {
    const context = await browser.newContext({ locale: "en-GB" });
    const page = await newSignedInPage(context, server.url, "editor@xss.test", "correct horse battery");

    await page.goto(`${server.url}/calendar/2030-05`);
    await page.waitForSelector(`[data-item-id="${itemId}"]`);
    await expectShownAsText(page, ["<script>window.__pwned"]);

    await page.goto(`${server.url}/items/${itemId}`);
    await page.waitForSelector("textarea");
    const values = await page.locator("textarea").evaluateAll((areas) => areas.map((a) => (a as HTMLTextAreaElement).value));
    expect(values).toEqual(expect.arrayContaining([FR, NL]));
    // The per-network previews show the text as it will be posted.
    await expectShownAsText(page, [`<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> Déclaration`, `<b onmouseover="window.__pwned = 3">Aangifte</b>`]);

    await page.goto(`${server.url}/outbox`);
    await expectShownAsText(page, [FR, NL]);

    await page.goto(`${server.url}/archive/${brusselsMonthOf(new Date())}`);
    await expectShownAsText(page, [FR]);
    await context.close();
  });
});
