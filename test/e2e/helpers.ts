import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { expect } from "vitest";

export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.locator("form button[type=submit]").first().click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

export async function newSignedInPage(context: BrowserContext, baseUrl: string, email: string, password: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  await signIn(page, baseUrl, email, password);
  return page;
}

/** A page of its own (a fresh context, as another person would have) signed in as `email`. */
export async function pageAs(browser: Browser, baseUrl: string, email: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  return await newSignedInPage(context, baseUrl, email, password);
}

/** The month grid cell (background) of a date, given the first date the grid shows. */
export function monthCell(page: Page, firstDate: string, date: string): Locator {
  const index = Math.round((Date.parse(`${date}T12:00:00Z`) - Date.parse(`${firstDate}T12:00:00Z`)) / 86_400_000);
  return page.locator(".rbc-month-row").nth(Math.floor(index / 7)).locator(".rbc-day-bg").nth(index % 7);
}

export function eventOf(page: Page, itemId: string): Locator {
  return page.locator(`.rbc-event:has([data-item-id="${itemId}"])`);
}

/** Drags with real mouse events, the way react-big-calendar's drag-and-drop addon listens. */
export async function dragTo(page: Page, source: Locator, target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await source.scrollIntoViewIfNeeded();
  const from = await source.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) throw new Error("element not visible");
  await page.mouse.move(from.x + 10, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 30, from.y + from.height / 2 + 10, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height * 0.7, { steps: 10 });
  await page.mouse.up();
}

/** Whether an element's centre lies inside another's box. */
export async function isInside(inner: Locator, outer: Locator): Promise<boolean> {
  const a = await inner.boundingBox();
  const b = await outer.boundingBox();
  if (!a || !b) return false;
  const cx = a.x + a.width / 2;
  const cy = a.y + a.height / 2;
  return cx >= b.x && cx <= b.x + b.width && cy >= b.y && cy <= b.y + b.height;
}

export async function expectText(locator: Locator, pattern: RegExp): Promise<void> {
  await expect.poll(async () => (await locator.textContent()) ?? "", { timeout: 10_000 }).toMatch(pattern);
}
