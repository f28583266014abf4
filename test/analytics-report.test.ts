import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthAnalytics, saveChannelGoals } from "../app/services/analytics.server";
import { createApiToken } from "../app/services/api.server";
import { SYSTEM_ACTOR } from "../app/services/audit.server";
import type { AppContext } from "../app/services/context.server";
import { createUser } from "../app/services/users.server";
import type { RunningWebServer } from "../app/server/web.server";
import { parseCsv } from "../app/domain/csv";
import { insertReadings } from "../db/repositories/analytics";
import type { Channel, User } from "../db/schema";
import { makeUser, TEST_PASSWORD } from "./factories";
import { makeApiChannel, makePublished } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { signedInClient, startTestServer } from "./setup/web";

/**
 * The month's report on a fixture month whose every figure was computed by hand (March 2030, in
 * Brussels winter time): six posts on three channels in French, Dutch and both, readings at
 * different moments (the latest one with figures counts), a deleted post's empty last reading,
 * tracked clicks with a robot, two questions, a goal. Then the page, the exports and the goals form.
 */
let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let author: User;
let xFr: Channel;
let xNl: Channel;
let masto: Channel;
const p: Record<string, string | undefined> = {};
let q1: string;
let q2: string;

const reading = (publicationId: string, moment: "1h" | "24h" | "7d" | "28d", f: [number | null, number | null, number | null, number | null, number | null, number | null]) => ({
  publicationId,
  moment,
  at: new Date(),
  likes: f[0],
  reposts: f[1],
  replies: f[2],
  quotes: f[3],
  impressions: f[4],
  views: f[5],
});

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  author = await makeUser(t.db, ["editor"]);
  for (const [email, roles] of [
    ["admin@test.be", ["admin"]],
    ["viewer@test.be", ["viewer"]],
  ] as const) {
    expect((await createUser(ctx, SYSTEM_ACTOR, { email, displayName: email.split("@")[0]!, password: TEST_PASSWORD, roles, uiLanguage: "en" })).ok).toBe(true);
  }
  xFr = await makeApiChannel(ctx, "x", "fr", null, { accessToken: "x" });
  xNl = await makeApiChannel(ctx, "x", "nl", null, { accessToken: "x" });
  masto = await makeApiChannel(ctx, "mastodon", "bilingual", null, { accessToken: "m" });
  const at = (iso: string) => new Date(iso);
  [p.p1, p.p2, p.p3] = await makePublished(t.db, author, xFr, ["x1", "x2", "x3"], (i) => [at("2030-03-04T09:00:00Z"), at("2030-03-10T12:00:00Z"), at("2030-03-20T08:00:00Z")][i]!);
  [p.p4, p.p5] = await makePublished(t.db, author, xNl, ["n4", "n5"], (i) => [at("2030-03-05T09:00:00Z"), at("2030-03-12T16:00:00Z")][i]!, { language: "nl" });
  [p.p6] = await makePublished(t.db, author, masto, ["m6"], at("2030-03-15T10:30:00Z"), { language: "fr+nl" });
  [p.p7] = await makePublished(t.db, author, xFr, ["x7"], at("2030-04-01T09:00:00Z"));
  // A hostile text, as a post can carry anything a person typed.
  await t.db.updateTable("publications").set({ sent_text: '=HYPERLINK("http://evil.example","click")' }).where("id", "=", p.p3!).execute();
  await insertReadings(t.db, [
    reading(p.p1!, "1h", [2, 1, 0, 0, 100, null]),
    reading(p.p1!, "7d", [10, 3, 2, 1, 900, null]),
    reading(p.p2!, "24h", [4, 0, 1, 0, 300, null]),
    reading(p.p4!, "7d", [1, 0, 0, 0, 50, null]),
    reading(p.p5!, "24h", [3, 1, 1, 1, 120, null]),
    reading(p.p6!, "24h", [7, 2, 0, 0, null, null]),
    reading(p.p7!, "24h", [100, 0, 0, 0, 1, null]),
  ]);
  // The Dutch post was deleted before its 28-day reading: that reading has no figures and does not replace the 7-day one.
  await new Promise((r) => setTimeout(r, 5));
  await insertReadings(t.db, [reading(p.p4!, "28d", [null, null, null, null, null, null])]);
  await t.db.insertInto("tracked_links").values({ code: "Abcd2345", publication_id: p.p6!, target_url: "https://finances.belgium.be/" }).execute();
  await t.db
    .insertInto("link_clicks")
    .values([false, false, false, true].map((bot) => ({ code: "Abcd2345", clicked_at: new Date("2030-03-15T12:00:00Z"), bot })))
    .execute();
  const qs = await t.db
    .insertInto("recurring_questions")
    .values([
      { slug: "refund-when", label_fr: "Quand serai-je remboursé ?", label_nl: "Wanneer word ik terugbetaald?", keywords_fr: [], keywords_nl: [] },
      { slug: "tax-on-web", label_fr: "Comment utiliser Tax-on-web ?", label_nl: "Hoe gebruik ik Tax-on-web?", keywords_fr: [], keywords_nl: [] },
    ])
    .returning("id")
    .execute();
  [q1, q2] = [qs[0]!.id, qs[1]!.id];
  const itemOf = async (id: string) => (await t.db.selectFrom("publications").select("content_item_id").where("id", "=", id).executeTakeFirstOrThrow()).content_item_id;
  for (const [pub, q] of [[p.p1!, q1], [p.p2!, q1], [p.p2!, q2], [p.p5!, q2], [p.p6!, q1]] as const) await t.db.insertInto("item_tags").values({ content_item_id: await itemOf(pub), recurring_question_id: q }).execute();
  await t.db.insertInto("channel_goals").values({ channel_id: xFr.id, month: "2030-03", posts: 30, engagement: null }).execute();
  server = await startTestServer(ctx);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

describe("the month's report", () => {
  it("gives the figures computed by hand: totals, French vs Dutch, channels with goals, top posts, questions, days and hours", async () => {
    const data = (await monthAnalytics(ctx, "2030-03"))!;
    const r = data.report;
    // Engagement: p1 16 (its 7-day reading), p2 5, p3 unread, p4 1 (7-day: the 28-day reading has no figures), p5 6, p6 9; April's post is out.
    expect(r.totals).toEqual({ posts: 6, read: 5, engagement: 37, impressions: 1370, views: null, clicks: 3, engagementPerPost: 37 / 5, clicksPerPost: 3 });
    expect(r.languages.fr).toEqual({ posts: 3, read: 2, engagement: 21, impressions: 1200, views: null, clicks: null, engagementPerPost: 10.5, clicksPerPost: null });
    expect(r.languages.nl).toEqual({ posts: 2, read: 2, engagement: 7, impressions: 170, views: null, clicks: null, engagementPerPost: 3.5, clicksPerPost: null });
    expect(r.languages.both).toMatchObject({ posts: 1, engagement: 9, clicks: 3 });
    expect(r.languageGap.tooFew).toBe(true);
    expect(r.languageGap.ratio).toBeCloseTo(1 / 3, 10);
    const channel = (id: string) => r.channels.find((c) => c.id === id)!;
    expect(channel(xFr.id)).toMatchObject({ posts: 3, engagement: 21, goalPosts: 30, goalEngagement: null });
    expect(channel(xNl.id)).toMatchObject({ posts: 2, engagement: 7, goalPosts: null });
    expect(channel(masto.id)).toMatchObject({ posts: 1, engagement: 9, clicks: 3, impressions: null });
    expect(r.topPosts.map((x) => [x.publicationId, x.engagement])).toEqual([[p.p1, 16], [p.p6, 9], [p.p5, 6], [p.p2, 5], [p.p4, 1]]);
    expect(r.questions.find((x) => x.id === q1)).toMatchObject({ posts: 3, engagement: 30, clicks: 3 });
    expect(r.questions.find((x) => x.id === q2)).toMatchObject({ posts: 2, engagement: 11, clicks: null });
    // Days and hours from 7-day readings only: Monday 10 h (16) and Tuesday 10 h (1), one post each, too few to star.
    expect(data.time.cells).toEqual([
      { weekday: 1, hour: 10, posts: 1, meanEngagement: 16, best: false, few: true },
      { weekday: 2, hour: 10, posts: 1, meanEngagement: 1, best: false, few: true },
    ]);
  });

  it("shows on its page in the reader's language, and exports safely as CSV and as a workbook", async () => {
    const viewer = await signedInClient(server.url, "viewer@test.be", TEST_PASSWORD);
    const page = await viewer.request("/reports/analytics/2030-03");
    expect(page.status).toBe(200);
    expect(page.text).toContain("French and Dutch side by side");
    expect(page.text).toContain("6 posts published, 5 with figures; engagement 37; clicks 3.");
    expect(page.text).toMatch(/Dutch posts received|Fewer than 10 posts/);
    // A chart is an image named by its caption, followed by its table.
    expect(page.text).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="channel-chart-caption"/);
    expect(page.text).toContain('id="channel-chart-table"');
    expect((await viewer.request("/reports/analytics/2030-13")).status).toBe(404);

    const csv = await viewer.request("/reports/analytics/2030-03/export");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const rows = parseCsv(csv.text);
    expect(rows[0]).toEqual(["published_at", "channel", "network", "language", "questions", "likes", "reposts", "replies", "quotes", "impressions", "views", "engagement", "clicks", "url", "text"]);
    expect(rows).toHaveLength(7);
    // The hostile text went out with an apostrophe before it (read back without it); unread figures are empty, not 0.
    expect(csv.text).toContain(`'=HYPERLINK`);
    const hostile = rows.find((row) => row[14]!.startsWith("=HYPERLINK"))!;
    expect(hostile.slice(5, 13)).toEqual(["", "", "", "", "", "", "", ""]);
    const xlsx = await viewer.request("/reports/analytics/2030-03/export?format=xlsx");
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
  });

  it("an admin sets the month's goals, all or nothing; others cannot", async () => {
    const admin = (await t.db.selectFrom("users").selectAll().where("email", "=", "admin@test.be").executeTakeFirstOrThrow());
    const bad = await saveChannelGoals(ctx, admin, { month: "2030-03", goals: [{ channelId: xNl.id, posts: "31", engagement: "" }, { channelId: masto.id, posts: "-2", engagement: "abc" }] });
    expect(bad).toEqual({ ok: false, status: 400, errors: { "goals.1.posts": "goals.error.number", "goals.1.engagement": "goals.error.number" } });
    expect(await t.db.selectFrom("channel_goals").selectAll().where("channel_id", "=", xNl.id).execute()).toEqual([]);
    expect(await saveChannelGoals(ctx, author, { month: "2030-03", goals: [] })).toEqual({ ok: false, status: 403 });

    const client = await signedInClient(server.url, "admin@test.be", TEST_PASSWORD);
    const saved = await client.request("/reports/analytics/2030-03", { form: { intent: "goals", channelId: [xFr.id, xNl.id], [`posts.${xFr.id}`]: "", [`engagement.${xFr.id}`]: "", [`posts.${xNl.id}`]: "31", [`engagement.${xNl.id}`]: "500" } });
    expect(saved.status).toBe(302);
    expect(await t.db.selectFrom("channel_goals").select(["channel_id", "posts", "engagement"]).where("month", "=", "2030-03").execute()).toEqual([{ channel_id: xNl.id, posts: 31, engagement: 500 }]);
    const refused = await client.request("/reports/analytics/2030-03", { form: { intent: "goals", channelId: [xNl.id], [`posts.${xNl.id}`]: "1.5", [`engagement.${xNl.id}`]: "" } });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("A goal is a whole number from 0 to 1,000,000, or empty for none.");
  });

  it("is readable through API v1: the month's readings, one publication's series, and a read-now that checks its input", async () => {
    const viewer = (await t.db.selectFrom("users").selectAll().where("email", "=", "viewer@test.be").executeTakeFirstOrThrow());
    const made = await createApiToken(ctx, viewer, { name: "BI", scope: "read" });
    if (!made.ok) throw new Error("token");
    const get = async (path: string, method = "GET") => {
      const r = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${made.token}`, "accept-language": "en" } });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const month = await get("/api/v1/metrics?month=2030-03");
    expect(month.status).toBe(200);
    const pubs = month.body.publications as { id: string; readings: { moment: string; engagement: number | null }[]; clicks: number | null; questions: string[] }[];
    expect(pubs).toHaveLength(6);
    const first = pubs.find((x) => x.id === p.p1)!;
    expect(first.readings.map((r) => [r.moment, r.engagement])).toEqual([["1h", 3], ["7d", 16]]);
    expect(first.questions).toEqual(["refund-when"]);
    expect(pubs.find((x) => x.id === p.p6)!.clicks).toBe(3);
    expect(pubs.find((x) => x.id === p.p4)!.readings.map((r) => [r.moment, r.engagement])).toEqual([["7d", 1], ["28d", null]]);
    expect((await get("/api/v1/metrics?month=2030-3")).status).toBe(422);
    const one = await get(`/api/v1/publications/${p.p2}/metrics`);
    expect(one.body).toMatchObject({ publicationId: p.p2, network: "x", readings: [{ moment: "24h", likes: 4, reposts: 0, replies: 1, quotes: 0, impressions: 300, views: null, engagement: 5 }] });
    expect((await get("/api/v1/publications/not-a-uuid/metrics")).status).toBe(404);
    const report = await get("/api/v1/reports/analytics/2030-03");
    expect(report.body.totals).toMatchObject({ posts: 6, engagement: 37, clicks: 3 });
    // Reading now changes nothing stored by the network's side but needs a write token and a role that manages publications.
    expect((await get(`/api/v1/publications/${p.p2}/metrics`, "POST")).status).toBe(403);
  });
});
