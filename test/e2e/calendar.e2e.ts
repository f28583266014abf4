import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import { createUser } from "../../app/services/users.server";
import type { Channel } from "../../db/schema";
import { makeChannel, makeItem } from "../factories";
import { createTestDatabase, testContext, type TestDatabase } from "../setup/database";
import { startTestServer } from "../setup/web";
import { launchBrowser } from "./browser";
import { dragTo, eventOf, expectText, isInside, monthCell, newSignedInPage } from "./helpers";

let t: TestDatabase;
let server: RunningWebServer;
let browser: Browser;
let xFr: Channel;
let xNl: Channel;
// The server's clock: Wednesday 12 June 2030, 10:00 in Brussels. June 2030's grid starts Monday 27 May.
const NOW = new Date("2030-06-12T08:00:00Z");
const FIRST = "2030-05-27";
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  t = await createTestDatabase();
  const ctx = testContext(t.db, { now: () => NOW });
  for (const [email, name] of [
    ["sophie@test.be", "Sophie Lambert"],
    ["anne@test.be", "Anne Peeters"],
  ]) {
    const r = await createUser(ctx, { id: null, label: "test" }, { email, displayName: name, password: PASSWORD, roles: ["editor"], uiLanguage: "fr" });
    if (!r.ok) throw new Error("user");
  }
  xFr = await makeChannel(t.db, "x", "fr", "X FR");
  xNl = await makeChannel(t.db, "x", "nl", "X NL");
  server = await startTestServer(ctx);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.drop();
});

async function sophie(options: { timezoneId?: string; locale?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, ...options });
  return await newSignedInPage(context, server.url, "sophie@test.be", PASSWORD);
}

async function userId(email: string) {
  return (await t.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
}

async function itemRow(id: string) {
  return await t.db.selectFrom("content_items").select(["local_date", "local_time", "version"]).where("id", "=", id).executeTakeFirstOrThrow();
}

describe("the calendar in chromium", () => {
  it("creates an item in both languages, drags it to another day, and it stays there after a reload", async () => {
    const page = await sophie();
    await page.goto(`${server.url}/items/new?date=2030-06-18&back=${encodeURIComponent("/calendar/2030-06")}`);
    await page.locator("#localTime").fill("09:30");
    await page.locator("#frText").fill("Votre avertissement-extrait de rôle arrive : voici comment le lire.");
    await page.locator("#nlText").fill("Uw aanslagbiljet komt eraan: zo leest u het.");
    await page.getByLabel("X FR (Français)").check();
    await page.getByLabel("X NL (Néerlandais)").check();
    await expectText(page.getByTestId("preview-x-fr"), /\d+ \/ 280 caractères pondérés/);
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.waitForURL(/\/items\/[0-9a-f-]+\?/);
    await expectText(page.getByRole("status").first(), /Enregistré/);
    const id = new URL(page.url()).pathname.split("/")[2]!;
    expect(await itemRow(id)).toMatchObject({ local_date: "2030-06-18", local_time: "09:30", version: 1 });

    await page.goto(`${server.url}/calendar/2030-06`);
    const event = eventOf(page, id);
    await event.waitFor();
    expect(await isInside(event, monthCell(page, FIRST, "2030-06-18"))).toBe(true);
    await dragTo(page, event, monthCell(page, FIRST, "2030-06-20"));
    await expectText(page.getByTestId("calendar-message"), /Déplacée au/);
    expect(await itemRow(id)).toMatchObject({ local_date: "2030-06-20", local_time: "09:30", version: 2 });

    await page.reload();
    await eventOf(page, id).waitFor();
    expect(await isInside(eventOf(page, id), monthCell(page, FIRST, "2030-06-20"))).toBe(true);
    await page.context().close();
  });

  it("a drop into the past is refused with a message, and the item goes back where it was", async () => {
    const item = await makeItem(t.db, { id: await userId("sophie@test.be") } as never, { localDate: "2030-06-14", localTime: "11:00", channelIds: [xFr.id] });
    const page = await sophie();
    await page.goto(`${server.url}/calendar/2030-06`);
    const event = eventOf(page, item.id);
    await event.waitFor();
    await dragTo(page, event, monthCell(page, FIRST, "2030-06-05"));
    await expectText(page.getByTestId("calendar-message"), /refusé.*passé/);
    await expect.poll(async () => await isInside(eventOf(page, item.id), monthCell(page, FIRST, "2030-06-14"))).toBe(true);
    expect(await itemRow(item.id)).toMatchObject({ local_date: "2030-06-14", version: 1 });
    await page.context().close();
  });

  it("two people move the same item: the second gets the conflict message and nothing is lost", async () => {
    const item = await makeItem(t.db, { id: await userId("sophie@test.be") } as never, { localDate: "2030-06-24", localTime: "10:00", channelIds: [xFr.id] });
    const a = await sophie();
    const contextB = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const b = await newSignedInPage(contextB, server.url, "anne@test.be", PASSWORD);
    await a.goto(`${server.url}/calendar/2030-06`);
    await b.goto(`${server.url}/calendar/2030-06`);
    await eventOf(a, item.id).waitFor();
    await eventOf(b, item.id).waitFor();

    await dragTo(b, eventOf(b, item.id), monthCell(b, FIRST, "2030-06-25"));
    await expectText(b.getByTestId("calendar-message"), /Déplacée/);
    // Sophie's page still shows the old version; her move must not overwrite Anne's.
    await dragTo(a, eventOf(a, item.id), monthCell(a, FIRST, "2030-06-26"));
    await expectText(a.getByTestId("calendar-message"), /Quelqu'un d'autre.*Anne Peeters/);
    await expect.poll(async () => await isInside(eventOf(a, item.id), monthCell(a, FIRST, "2030-06-25"))).toBe(true);
    expect(await itemRow(item.id)).toMatchObject({ local_date: "2030-06-25", version: 2 });
    await a.context().close();
    await contextB.close();
  });

  it("moves an item with the keyboard alone", async () => {
    const item = await makeItem(t.db, { id: await userId("sophie@test.be") } as never, { localDate: "2030-06-27", localTime: "15:00", channelIds: [xFr.id] });
    const page = await sophie({ locale: "en-US" });
    await page.goto(`${server.url}/calendar/2030-06`);
    const handle = page.locator(`[data-item-id="${item.id}"][role=button]`);
    await handle.waitFor();
    // Tab through the page until the post has the focus, as a keyboard user would.
    let focused = false;
    for (let i = 0; i < 200 && !focused; i++) {
      await page.keyboard.press("Tab");
      focused = await handle.evaluate((el) => el === document.activeElement);
    }
    expect(focused).toBe(true);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: /Publication du 2030-06-27/ }).waitFor();
    await page.locator("#move-date").focus();
    await page.keyboard.type("06282030");
    // The date field's own picker button may take a Tab stop before the time field.
    for (let i = 0; i < 5 && !(await page.evaluate(() => document.activeElement?.id === "move-time")); i++) await page.keyboard.press("Tab");
    await page.keyboard.type("0830AM");
    await page.keyboard.press("Enter");
    await expectText(page.getByTestId("calendar-message"), /Déplacée au .* à 08:30/);
    expect(await itemRow(item.id)).toMatchObject({ local_date: "2030-06-28", local_time: "08:30" });
    await page.context().close();
  });

  it("in the week view, a drag moves an item to another time", async () => {
    const item = await makeItem(t.db, { id: await userId("sophie@test.be") } as never, { localDate: "2030-06-13", localTime: "09:00", channelIds: [xFr.id] });
    const page = await sophie();
    await page.goto(`${server.url}/calendar/2030-06?view=week&date=2030-06-13`);
    const event = eventOf(page, item.id);
    await event.waitFor();
    // Thursday is the fourth day column; 14:00 is the 29th half-hour slot of the day.
    const slot = page.locator(".rbc-time-content .rbc-day-slot").nth(3).locator(".rbc-time-slot").nth(28);
    await dragTo(page, event, slot);
    await expectText(page.getByTestId("calendar-message"), /Déplacée au .* à 1[34]:[03]0/);
    const row = await itemRow(item.id);
    expect(row.local_date).toBe("2030-06-13");
    expect(row.local_time).not.toBe("09:00");
    await page.context().close();
  });

  it("shows Brussels time whatever the browser's zone", async () => {
    const item = await makeItem(t.db, { id: await userId("sophie@test.be") } as never, { localDate: "2030-06-19", localTime: "07:45", channelIds: [xFr.id] });
    const page = await sophie({ timezoneId: "America/New_York" });
    await page.goto(`${server.url}/calendar/2030-06?view=week&date=2030-06-19`);
    const event = eventOf(page, item.id);
    await event.waitFor();
    expect(await event.locator(".cal-event-time").textContent()).toBe("07:45");
    expect(await event.locator(".rbc-event-label").textContent()).toMatch(/^07:45/);
    await page.context().close();
  });

  it("has no serious or critical axe violation on the month, week and agenda views and the editor", async () => {
    // A busy day, so that the month view shows its "+N more" button too.
    const author = { id: await userId("sophie@test.be") } as never;
    for (let i = 0; i < 8; i++) await makeItem(t.db, author, { localDate: "2030-06-21", localTime: `1${i}:00`, channelIds: [xFr.id, xNl.id] });
    const page = await sophie();
    const results: Record<string, string[]> = {};
    for (const path of ["/calendar/2030-06", "/calendar/2030-06?view=week&date=2030-06-12", "/calendar/2030-06?view=agenda", "/items/new?date=2030-06-20"]) {
      await page.goto(`${server.url}${path}`);
      await page.waitForLoadState("networkidle");
      const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      if (path === "/calendar/2030-06") expect(await page.locator(".rbc-show-more").count()).toBeGreaterThan(0);
      results[path] = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
    }
    expect(results).toEqual({
      "/calendar/2030-06": [],
      "/calendar/2030-06?view=week&date=2030-06-12": [],
      "/calendar/2030-06?view=agenda": [],
      "/items/new?date=2030-06-20": [],
    });
    await page.context().close();
  });

  it("a day fuller than its cell counts every hidden post in \"+N more\", which opens that day's week", async () => {
    const author = { id: await userId("sophie@test.be") } as never;
    for (let i = 0; i < 15; i++) await makeItem(t.db, author, { localDate: "2030-06-26", localTime: `${String(6 + i).padStart(2, "0")}:15`, channelIds: [xFr.id] });
    const page = await sophie();
    await page.goto(`${server.url}/calendar/2030-06`);
    const cell = monthCell(page, FIRST, "2030-06-26");
    await cell.waitFor();
    const more = page.getByRole("button", { name: /^Afficher \d+ publications de plus le mercredi 26 juin$/ });
    const label = (await more.getAttribute("aria-label")) ?? "";
    const hidden = Number(/Afficher (\d+)/.exec(label)?.[1]);
    // What the cell draws plus what "+N more" counts is the whole day.
    const drawn = await page.locator(".rbc-event", { hasText: ":15" }).evaluateAll(
      (els, box) => els.filter((el) => { const r = el.getBoundingClientRect(); const x = r.left + r.width / 2; const y = r.top + r.height / 2; return x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height; }).length,
      (await cell.boundingBox())!,
    );
    expect(drawn).toBeGreaterThan(0);
    expect(drawn + hidden).toBe(15);
    await more.click();
    await page.waitForURL(/view=week&date=2030-06-26/);
    await expect.poll(() => page.locator(".rbc-time-view .rbc-event", { hasText: ":15" }).count()).toBe(15);
    await page.context().close();
  });

  it("a day note that cannot be saved says why next to the field and keeps what was typed", async () => {
    const page = await sophie();
    await page.goto(`${server.url}/calendar/2030-06`);
    await page.getByText("Ajouter une note du jour").click();
    await page.locator("#note-new-date").fill("2030-06-20");
    await page.locator("#note-new-fr").fill("Ouverture de Tax-on-web");
    // Only spaces in Dutch: the browser lets it through, the server refuses it.
    await page.locator("#note-new-nl").fill("   ");
    await page.locator(".day-notes-editor button[type=submit]").last().click();
    await expectText(page.locator("#note-new-textNl-error"), /Ce champ est obligatoire/);
    expect(await page.locator("#note-new-fr").inputValue()).toBe("Ouverture de Tax-on-web");
    expect(await page.locator("#note-new-nl").getAttribute("aria-invalid")).toBe("true");
    await page.locator("#note-new-nl").fill("Tax-on-web opent");
    await page.locator(".day-notes-editor button[type=submit]").last().click();
    await expectText(page.getByRole("status").first(), /La note a été enregistrée/);
    await expectText(page.locator(".day-notes"), /2030-06-20 — Ouverture de Tax-on-web/);
    await page.context().close();
  });
});
