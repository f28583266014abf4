import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../app/server/web.server";
import type { AppContext } from "../app/services/context.server";
import { moveItem } from "../app/services/content-items.server";
import { createFeed, revokeFeed } from "../app/services/feeds.server";
import { saveDayNote } from "../app/services/day-notes.server";
import type { Channel, User } from "../db/schema";
import { makeChannel, makeItem, makeUser } from "./factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { startTestServer } from "./setup/web";

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let editor: User;
let xFr: Channel;
let li: Channel;
// The server's clock: 15 October 2026, so the feed's window holds the night the clocks go back.
const NOW = new Date("2026-10-15T08:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db, { now: () => NOW });
  editor = await makeUser(t.db, ["editor"]);
  xFr = await makeChannel(t.db, "x", "fr", "X FR");
  li = await makeChannel(t.db, "linkedin", "bilingual", "LinkedIn");
  server = await startTestServer(ctx);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

async function read(url: string) {
  const r = await fetch(url);
  if (r.status !== 200) return { status: r.status, events: [] as ICAL.Event[] };
  expect(r.headers.get("content-type")).toMatch(/^text\/calendar/);
  const calendar = new ICAL.Component(ICAL.parse(await r.text()) as unknown[]);
  ICAL.TimezoneService.register(calendar.getFirstSubcomponent("vtimezone")!);
  return { status: r.status, events: calendar.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v)) };
}

describe("the private calendar feed", () => {
  it("is a valid iCalendar of the plan, event by event, filtered; it follows moves, and a revoked feed no longer answers", async () => {
    const normal = await makeItem(t.db, editor, { localDate: "2026-10-20", localTime: "10:00", fr: "Tax-on-web, c'est ouvert ; venez", nl: "Tax-on-web is open", channelIds: [xFr.id] });
    const dst = await makeItem(t.db, editor, { localDate: "2026-10-25", localTime: "02:30", channelIds: [li.id], status: "scheduled" });
    const elsewhere = await makeItem(t.db, editor, { localDate: "2026-10-21", channelIds: [li.id] });
    await saveDayNote(ctx, editor, { localDate: "2026-10-31", textFr: "Date limite", textNl: "Uiterste datum" });

    const all = await createFeed(ctx, editor, { name: "Tout", channelIds: [], statuses: [], language: "nl" });
    expect(all.ok).toBe(true);
    if (!all.ok) return;
    expect(all.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const url = `${server.url}/feeds/${all.token}/calendar.ics`;
    const { events } = await read(url);
    const byUid = new Map(events.map((e) => [e.uid, e]));
    const first = byUid.get(`item-${normal.id}@cadence`)!;
    expect(first.startDate.toJSDate().toISOString()).toBe("2026-10-20T08:00:00.000Z");
    expect(first.summary).toMatch(/Tax-on-web is open$/);
    expect(first.description).toContain("Tax-on-web, c'est ouvert ; venez");
    expect(first.description).toContain(`/items/${normal.id}`);
    expect(byUid.get(`item-${dst.id}@cadence`)!.startDate.toJSDate().toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(byUid.get(`item-${elsewhere.id}@cadence`)).toBeDefined();
    const note = events.find((e) => e.summary.includes("Uiterste datum"))!;
    expect(note.startDate.isDate).toBe(true);

    // Filters: one channel, one status.
    const onlyX = await createFeed(ctx, editor, { name: "X", channelIds: [xFr.id], statuses: [], language: "fr" });
    const scheduled = await createFeed(ctx, editor, { name: "Prêt", channelIds: [], statuses: ["scheduled"], language: "fr" });
    if (!onlyX.ok || !scheduled.ok) throw new Error("feeds");
    expect((await read(`${server.url}/feeds/${onlyX.token}/calendar.ics`)).events.filter((e) => e.uid.startsWith("item-")).map((e) => e.uid)).toEqual([`item-${normal.id}@cadence`]);
    expect((await read(`${server.url}/feeds/${scheduled.token}/calendar.ics`)).events.filter((e) => e.uid.startsWith("item-")).map((e) => e.uid)).toEqual([`item-${dst.id}@cadence`]);

    // A move shows in the feed, with a higher sequence.
    const moved = await moveItem(ctx, editor, normal.id, { localDate: "2026-10-22", localTime: "16:45", version: "1" });
    expect(moved.ok).toBe(true);
    const after = new Map((await read(url)).events.map((e) => [e.uid, e])).get(`item-${normal.id}@cadence`)!;
    expect(after.startDate.toJSDate().toISOString()).toBe("2026-10-22T14:45:00.000Z");
    expect(after.sequence).toBeGreaterThan(first.sequence);

    expect(await revokeFeed(ctx, editor, all.id)).toBe(true);
    expect((await read(url)).status).toBe(404);
    expect((await read(`${server.url}/feeds/not-a-token/calendar.ics`)).status).toBe(404);
  });

  it("answers nothing once its owner is deactivated", async () => {
    const viewer = await makeUser(t.db, ["viewer"]);
    const feed = await createFeed(ctx, viewer, { name: "Lecture", channelIds: [], statuses: [], language: "fr" });
    if (!feed.ok) throw new Error("feed");
    expect((await read(`${server.url}/feeds/${feed.token}/calendar.ics`)).status).toBe(200);
    await t.db.updateTable("users").set({ active: false }).where("id", "=", viewer.id).execute();
    expect((await read(`${server.url}/feeds/${feed.token}/calendar.ics`)).status).toBe(404);
    expect(await createFeed(ctx, viewer, { name: "", channelIds: ["x"], statuses: ["nope"], language: "de" })).toMatchObject({ ok: false });
  });
});
