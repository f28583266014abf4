import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthPlan } from "../../app/services/plan.server";
import { signIn } from "../../app/services/auth.server";
import { checkPublishable } from "../../app/services/review.server";
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
  it("creates users, channels, about twenty questions and two months of FR/NL posts in every planning state", async () => {
    expect(await seedDemo(t.db, NOW)).toEqual({ created: true, items: 50 });
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
    expect(await t.db.selectFrom("content_items").select("id").execute()).toHaveLength(50);
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
