import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthAnalytics } from "../services/analytics.server";
import { monthPlan } from "../services/plan.server";
import { signIn } from "../services/auth.server";
import { checkPublishable } from "../services/review.server";
import { createTestDatabase, testContext, type TestDatabase } from "../../test/setup/database";
import { DEMO_ACCOUNTS, seedDemo } from "./seed-demo";

let t: TestDatabase;
// 10:00 in Brussels on Tuesday 24 November 2026.
const NOW = new Date("2026-11-24T09:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe("demo seed", () => {
  it("creates users, channels, about twenty questions and three months of FR/NL posts (last month published, this one and the next in every planning state)", async () => {
    expect(await seedDemo(t.db, NOW)).toEqual({ created: true, items: 75 });
    expect(await t.db.selectFrom("users").select("email").execute()).toHaveLength(5);
    // The inbox has something to triage: French, Dutch and another language.
    const queues = await t.db.selectFrom("conversations").select("language").execute();
    expect(queues.map((q) => q.language).sort()).toEqual(["fr", "fr", "nl", "nl", "other"]);
    const questions = await t.db.selectFrom("recurring_questions").select("slug").execute();
    expect(questions.length).toBeGreaterThanOrEqual(18);
    const channels = await t.db.selectFrom("channels").select(["network", "language"]).execute();
    expect(channels).toEqual(
      expect.arrayContaining([
        { network: "x", language: "fr" },
        { network: "x", language: "nl" },
        { network: "facebook", language: "fr" },
        { network: "facebook", language: "nl" },
        { network: "linkedin", language: "bilingual" },
        { network: "outbox", language: "bilingual" },
      ]),
    );
    const statuses = await t.db.selectFrom("content_items").select("status").distinct().execute();
    expect(statuses.map((s) => s.status).sort()).toEqual(["awaiting_approval", "draft", "in_translation", "published", "scheduled"]);
    // Everything before today is published, with one publication per language and channel.
    const pastUnpublished = await t.db
      .selectFrom("content_items")
      .select("id")
      .where("local_date", "<", "2026-11-24")
      .where("status", "!=", "published")
      .execute();
    expect(pastUnpublished).toEqual([]);
  });

  it("seeds states the parity rule agrees with: scheduled items are publishable, the others are not", async () => {
    const items = await t.db.selectFrom("content_items").select(["id", "status"]).where("status", "in", ["scheduled", "awaiting_approval", "in_translation", "draft"]).execute();
    for (const item of items) {
      const check = await checkPublishable(t.db, item.id);
      expect(check.ok, `${item.status} ${item.id}`).toBe(item.status === "scheduled");
    }
  });

  it("plans one post a few minutes after the start, so the demo publishes at once (to the outbox)", async () => {
    const soon = await t.db.selectFrom("publications").select(["due_at", "state"]).where("due_at", ">", NOW).where("due_at", "<=", new Date(NOW.getTime() + 5 * 60_000)).execute();
    expect(soon.map((p) => [p.due_at.toISOString(), p.state])).toEqual([
      ["2026-11-24T09:03:00.000Z", "scheduled"],
      ["2026-11-24T09:03:00.000Z", "scheduled"],
      ["2026-11-24T09:03:00.000Z", "scheduled"],
    ]);
  });

  it("is safe to run again: nothing is duplicated", async () => {
    expect(await seedDemo(t.db, NOW)).toEqual({ created: false, items: 0 });
    expect(await t.db.selectFrom("content_items").select("id").execute()).toHaveLength(75);
  });

  it("gives last month's posts their readings and clicks, so the results report has something to show", async () => {
    const ctx = testContext(t.db, { now: () => NOW });
    const data = (await monthAnalytics(ctx, "2026-10"))!;
    expect(data.report.totals.posts).toBeGreaterThan(40);
    // The outbox gives no figures; every other published post was read.
    const outbox = data.report.channels.find((c) => c.network === "outbox")!;
    expect(data.report.totals.read).toBe(data.report.totals.posts - outbox.posts);
    expect(data.report.totals.engagement).toBeGreaterThan(0);
    expect(data.report.totals.clicks).toBeGreaterThan(0);
    expect(data.report.languages.fr.posts).toBeGreaterThan(0);
    expect(data.report.languages.nl.posts).toBeGreaterThan(0);
    expect(data.time.cells.length).toBeGreaterThan(0);
    // Networks without impressions say so: Mastodon's readings have none.
    const mastodon = data.report.channels.find((c) => c.network === "mastodon")!;
    expect(mastodon.engagement).toBeGreaterThan(0);
    expect(mastodon.impressions).toBeNull();
    // Twelve months of contact-center volumes up to this month (eleven of them shown for last month), and questions covered last month are measured.
    expect(data.outcomes.some((o) => o.did.reason !== "no_coverage")).toBe(true);
    expect(data.outcomes[0]!.months.filter((m) => m.volume !== null)).toHaveLength(11);
  });

  it("the demo accounts sign in with their printed passwords", async () => {
    const ctx = testContext(t.db, { now: () => NOW });
    for (const account of DEMO_ACCOUNTS) {
      const result = await signIn(ctx, { email: account.email, password: account.password });
      expect(result.ok, account.email).toBe(true);
    }
  });

  it("the month plan shows the seeded coverage: days 3, 8, 13, 18, 23 and 28 are empty everywhere", async () => {
    const plan = await monthPlan(testContext(t.db, { now: () => NOW }), "2026-11");
    expect(plan).not.toBeNull();
    const byName = new Map(plan!.channels.map((c) => [c.name, c.id]));
    const xFr = plan!.coverage.find((c) => c.channelId === byName.get("X — SPF Finances"))!;
    expect(xFr).toMatchObject({ coveredDays: 24, totalDays: 30 });
    expect(xFr.emptyDates).toEqual(["2026-11-03", "2026-11-08", "2026-11-13", "2026-11-18", "2026-11-23", "2026-11-28"]);
    // Facebook only on even days: 15 even days minus the empty 8, 18 and 28.
    const fbNl = plan!.coverage.find((c) => c.channelId === byName.get("Facebook — FOD Financiën"))!;
    expect(fbNl.coveredDays).toBe(12);
    expect(plan!.dayNotes.map((n) => n.localDate)).toEqual(["2026-11-20", "2026-11-25"]);
    const missingNl = plan!.items.filter((i) => i.status === "in_translation");
    expect(missingNl.length).toBeGreaterThan(0);
    for (const item of missingNl) expect(Object.keys(item.texts)).toHaveLength(1);
  });
});
