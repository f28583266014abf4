import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../app/services/context.server";
import { archiveItem, deleteItem, duplicateItem, itemHistory, moveItem, saveItem } from "../app/services/content-items.server";
import { saveDayNote, deleteDayNote } from "../app/services/day-notes.server";
import { calendarData, parseCalendarQuery, type CalendarEvent } from "../app/services/calendar.server";
import { decodeCalendarEvents } from "../app/domain/calendar-event";
import { MONTH_CELL_LIMIT } from "../app/domain/month-grid";
import type { Channel, User } from "../db/schema";
import { makeChannel, makeItem, makeUser } from "./factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";

let t: TestDatabase;
let ctx: AppContext;
let editor: User;
let other: User;
let translator: User;
let xFr: Channel;
let xNl: Channel;
let li: Channel;
// 10:00 in Brussels, Tuesday 24 November 2026.
const NOW = new Date("2026-11-24T09:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db, { now: () => NOW });
  editor = await makeUser(t.db, ["editor"], "Sophie Lambert");
  other = await makeUser(t.db, ["editor"], "Anne Peeters");
  translator = await makeUser(t.db, ["translator"], "Pieter Janssens");
  xFr = await makeChannel(t.db, "x", "fr");
  xNl = await makeChannel(t.db, "x", "nl");
  li = await makeChannel(t.db, "linkedin", "bilingual");
});
afterAll(async () => {
  await t.drop();
});

async function version(id: string) {
  return (await t.db.selectFrom("content_items").select("version").where("id", "=", id).executeTakeFirstOrThrow()).version;
}

describe("moveItem", () => {
  it("moves to a future Brussels time, bumps the version and audits the move", async () => {
    const item = await makeItem(t.db, editor, { localDate: "2026-12-01", channelIds: [xFr.id] });
    const result = await moveItem(ctx, editor, item.id, { localDate: "2026-12-03", localTime: "14:30", version: "1" });
    expect(result).toMatchObject({ ok: true, item: { localDate: "2026-12-03", localTime: "14:30", version: 2, scheduledAt: "2026-12-03T13:30:00.000Z" } });
    const history = await itemHistory(ctx, item.id);
    expect(history.map((h) => h.action)).toEqual(["item.moved"]);
    expect(history[0]).toMatchObject({ actor: "Sophie Lambert", before: { localDate: "2026-12-01", localTime: "09:00" }, after: { localDate: "2026-12-03", localTime: "14:30" } });
  });

  it.each([
    ["into the past", { localDate: "2026-11-20", localTime: "09:00" }, { reason: "past" }],
    ["into the spring DST gap, with 03:00 proposed", { localDate: "2027-03-28", localTime: "02:30" }, { reason: "nonexistent", proposal: { localDate: "2027-03-28", localTime: "03:00" } }],
    ["to an impossible date", { localDate: "2026-02-31", localTime: "09:00" }, { reason: "invalid" }],
  ])("refuses a move %s and leaves the item where it was", async (_, target, refusal) => {
    const item = await makeItem(t.db, editor, { localDate: "2026-12-05", channelIds: [xFr.id] });
    const result = await moveItem(ctx, editor, item.id, { ...target, version: 1 });
    expect(result).toEqual({ ok: false, error: "refused", refusal, current: { id: item.id, localDate: "2026-12-05", localTime: "09:00", version: 1, status: "draft" } });
    expect(await version(item.id)).toBe(1);
  });

  it("a published item cannot move", async () => {
    const item = await makeItem(t.db, editor, { localDate: "2026-11-20", status: "published", channelIds: [xFr.id] });
    const result = await moveItem(ctx, editor, item.id, { localDate: "2026-12-20", localTime: "09:00", version: 1 });
    expect(result).toMatchObject({ ok: false, error: "refused", refusal: { reason: "fixed", status: "published" } });
  });

  it("a stale version is refused with who changed it and when; the other change is kept", async () => {
    const item = await makeItem(t.db, editor, { localDate: "2026-12-07", channelIds: [xFr.id] });
    expect((await moveItem(ctx, other, item.id, { localDate: "2026-12-08", localTime: "10:00", version: 1 })).ok).toBe(true);
    const result = await moveItem(ctx, editor, item.id, { localDate: "2026-12-09", localTime: "11:00", version: 1 });
    expect(result).toMatchObject({ ok: false, error: "conflict", conflict: { byName: "Anne Peeters", current: { localDate: "2026-12-08", localTime: "10:00", version: 2 } } });
    const row = await t.db.selectFrom("content_items").select(["local_date", "local_time"]).where("id", "=", item.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ local_date: "2026-12-08", local_time: "10:00" });
  });

  it("two moves racing on the same version: exactly one wins", async () => {
    const item = await makeItem(t.db, editor, { localDate: "2026-12-10", channelIds: [xFr.id] });
    const results = await Promise.all([
      moveItem(ctx, editor, item.id, { localDate: "2026-12-11", localTime: "09:00", version: 1 }),
      moveItem(ctx, other, item.id, { localDate: "2026-12-12", localTime: "09:00", version: 1 }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === "conflict")).toHaveLength(1);
    expect(await version(item.id)).toBe(2);
  });

  it("a translator may not move, and an unknown item is not found", async () => {
    const item = await makeItem(t.db, editor, { localDate: "2026-12-13", channelIds: [xFr.id] });
    expect(await moveItem(ctx, translator, item.id, { localDate: "2026-12-14", localTime: "09:00", version: 1 })).toEqual({ ok: false, error: "forbidden" });
    expect(await moveItem(ctx, editor, "00000000-0000-4000-8000-000000000000", { localDate: "2026-12-14", localTime: "09:00", version: 1 })).toEqual({ ok: false, error: "not_found" });
  });

  it("02:30 on the October fold: the first occurrence unless the second is asked for", async () => {
    const item = await makeItem(t.db, editor, { localDate: "2027-10-20", channelIds: [xFr.id] });
    const first = await moveItem(ctx, editor, item.id, { localDate: "2027-10-31", localTime: "02:30", version: 1 });
    expect(first).toMatchObject({ ok: true, item: { scheduledAt: "2027-10-31T00:30:00.000Z" } });
    const second = await moveItem(ctx, editor, item.id, { localDate: "2027-10-31", localTime: "02:30", occurrence: "second", version: 2 });
    expect(second).toMatchObject({ ok: true, item: { scheduledAt: "2027-10-31T01:30:00.000Z" } });
  });
});

describe("saveItem", () => {
  const base = { localDate: "2026-12-15", localTime: "10:00", sourceLanguage: "fr", frText: "Bonjour", nlText: "Hallo" };

  it("creates a draft with both variants, channels and tags, and audits it", async () => {
    const q = await t.db.insertInto("recurring_questions").values({ slug: "test-q", label_fr: "Q", label_nl: "V" }).returning("id").executeTakeFirstOrThrow();
    const result = await saveItem(ctx, editor, null, { ...base, channelIds: [xFr.id, xNl.id], tagIds: [q.id] });
    expect(result).toMatchObject({ ok: true, version: 1, approvalWithdrawn: false, lengthProblems: [] });
    if (!result.ok) return;
    const variants = await t.db.selectFrom("variants").select(["language", "text", "status"]).where("content_item_id", "=", result.id).orderBy("language").execute();
    expect(variants).toEqual([
      { language: "fr", text: "Bonjour", status: "draft" },
      { language: "nl", text: "Hallo", status: "draft" },
    ]);
    expect((await itemHistory(ctx, result.id)).map((h) => h.action)).toEqual(["item.created"]);
  });

  it("refuses bad input field by field and writes nothing", async () => {
    const before = await t.db.selectFrom("content_items").select("id").execute();
    const result = await saveItem(ctx, editor, null, { localDate: "2026-12-40", localTime: "", frText: "", frLink: "javascript:alert(1)", channelIds: [] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(expect.arrayContaining(["channelIds", "frLink", "localTime"]));
    expect(result.errors.frLink?.key).toBe("validation.url");
    expect(await t.db.selectFrom("content_items").select("id").execute()).toHaveLength(before.length);
  });

  it("refuses a time in the DST gap with the proposal, and the past", async () => {
    const gap = await saveItem(ctx, editor, null, { ...base, localDate: "2027-03-28", localTime: "02:15", channelIds: [xFr.id] });
    expect(gap).toMatchObject({ ok: false, errors: { localTime: { key: "schedule.nonexistent", params: { time: "03:00" } } }, proposal: { localTime: "03:00" } });
    const past = await saveItem(ctx, editor, null, { ...base, localDate: "2026-11-01", channelIds: [xFr.id] });
    expect(past).toMatchObject({ ok: false, errors: { localDate: { key: "schedule.past" } } });
  });

  it("saves a draft over X's limit but reports it; a scheduled item cannot be saved over the limit", async () => {
    const long = "a".repeat(300);
    const draft = await saveItem(ctx, editor, null, { ...base, frText: long, channelIds: [xFr.id, xNl.id] });
    expect(draft.ok && draft.lengthProblems.map((p) => p.channelId)).toEqual([xFr.id]);
    const item = await makeItem(t.db, editor, { localDate: "2026-12-16", status: "scheduled", channelIds: [xFr.id] });
    const refused = await saveItem(ctx, editor, item.id, { ...base, localDate: "2026-12-16", localTime: "09:00", frText: long, version: 1, channelIds: [xFr.id] });
    expect(refused).toMatchObject({ ok: false, errors: { _form: { key: "item.lengthBlocksScheduled" } } });
  });

  it("counts a bilingual channel on both texts together", async () => {
    const result = await saveItem(ctx, editor, null, { ...base, frText: "a".repeat(1600), nlText: "b".repeat(1600), channelIds: [li.id] });
    expect(result.ok && result.lengthProblems.map((p) => p.channelId)).toEqual([li.id]);
  });

  it("editing the text of a scheduled item withdraws its approval", async () => {
    const item = await makeItem(t.db, editor, { localDate: "2026-12-17", status: "scheduled", channelIds: [xFr.id] });
    await t.db.updateTable("variants").set({ status: "approved" }).where("content_item_id", "=", item.id).execute();
    const result = await saveItem(ctx, editor, item.id, { ...base, localDate: "2026-12-17", localTime: "09:00", frText: "Nouveau texte", nlText: "Nederlandse tekst", version: 1, channelIds: [xFr.id] });
    expect(result).toMatchObject({ ok: true, approvalWithdrawn: true });
    const row = await t.db.selectFrom("content_items").select("status").where("id", "=", item.id).executeTakeFirstOrThrow();
    expect(row.status).toBe("draft");
    const statuses = await t.db.selectFrom("variants").select("status").where("content_item_id", "=", item.id).execute();
    expect(statuses.every((s) => s.status === "draft")).toBe(true);
  });

  it("a stale version is refused and nothing is overwritten", async () => {
    const item = await makeItem(t.db, editor, { localDate: "2026-12-18", channelIds: [xFr.id] });
    await moveItem(ctx, other, item.id, { localDate: "2026-12-19", localTime: "09:00", version: 1 });
    const result = await saveItem(ctx, editor, item.id, { ...base, version: 1, channelIds: [xFr.id] });
    expect(result).toMatchObject({ ok: false, errors: { _form: { key: "item.conflict" } }, conflict: { byName: "Anne Peeters" } });
    const fr = await t.db.selectFrom("variants").select("text").where("content_item_id", "=", item.id).where("language", "=", "fr").executeTakeFirstOrThrow();
    expect(fr.text).toBe("Texte français");
  });

  it("stores text exactly as written, NFC-normalised, script tags and all", async () => {
    const result = await saveItem(ctx, editor, null, { ...base, frText: "<script>alert('x')</script> e\u0301", channelIds: [xFr.id] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const fr = await t.db.selectFrom("variants").select("text").where("content_item_id", "=", result.id).where("language", "=", "fr").executeTakeFirstOrThrow();
    expect(fr.text).toBe("<script>alert('x')</script> é");
  });
});

describe("duplicate, delete, archive", () => {
  it("duplicates to another date as a draft with the same texts, channels and tags", async () => {
    const item = await makeItem(t.db, editor, { localDate: "2026-12-20", localTime: "11:15", status: "scheduled", channelIds: [xFr.id, xNl.id] });
    const copy = await duplicateItem(ctx, editor, item.id, "2026-12-27");
    expect(copy.ok).toBe(true);
    if (!copy.ok || !copy.id) return;
    const row = await t.db.selectFrom("content_items").selectAll().where("id", "=", copy.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ local_date: "2026-12-27", local_time: "11:15", status: "draft" });
    const channels = await t.db.selectFrom("content_item_channels").select("channel_id").where("content_item_id", "=", copy.id).execute();
    expect(channels.map((c) => c.channel_id).sort()).toEqual([xFr.id, xNl.id].sort());
    expect(await duplicateItem(ctx, editor, item.id, "2026-01-01")).toEqual({ ok: false, key: "schedule.past" });
  });

  it("deletes a draft; a published item cannot be deleted, only archived", async () => {
    const draft = await makeItem(t.db, editor, { localDate: "2026-12-21", channelIds: [xFr.id] });
    expect(await deleteItem(ctx, editor, draft.id, 1)).toEqual({ ok: true });
    expect(await t.db.selectFrom("content_items").select("id").where("id", "=", draft.id).execute()).toEqual([]);
    const published = await makeItem(t.db, editor, { localDate: "2026-11-10", status: "published", channelIds: [xFr.id] });
    expect(await deleteItem(ctx, editor, published.id, 1)).toEqual({ ok: false, key: "item.cannotDelete" });
    expect(await archiveItem(ctx, editor, published.id, 1)).toEqual({ ok: true, id: published.id });
    expect(await archiveItem(ctx, editor, draft.id, 1)).toEqual({ ok: false, key: "error.notFound.body" });
    const audit = await t.db.selectFrom("audit_events").select("action").where("subject_id", "in", [draft.id, published.id]).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["item.archived", "item.deleted"]);
  });
});

describe("day notes and the calendar's data", () => {
  it("adds, edits and deletes a note; refuses an empty one", async () => {
    const created = await saveDayNote(ctx, editor, { localDate: "2027-01-15", textFr: "Tax-on-web ouvre", textNl: "Tax-on-web opent" });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(await saveDayNote(ctx, editor, { id: created.id, version: "1", localDate: "2027-01-16", textFr: "Modifié", textNl: "Gewijzigd" })).toEqual({ ok: true, id: created.id });
    expect(await saveDayNote(ctx, editor, { localDate: "2027-01-15", textFr: "  ", textNl: "x" })).toMatchObject({ ok: false, errors: { textFr: { key: "validation.required" } } });
    expect(await saveDayNote(ctx, translator, { localDate: "2027-01-15", textFr: "a", textNl: "b" })).toMatchObject({ ok: false });
    expect(await deleteDayNote(ctx, editor, created.id)).toEqual({ ok: true, id: created.id });
  });

  it("shows one event per item, filters by channel, status, tag and missing language, and counts coverage", async () => {
    const events = (data: { eventsJson: string }): CalendarEvent[] => decodeCalendarEvents(data.eventsJson);
    const lonely = await makeItem(t.db, editor, { localDate: "2027-02-03", fr: "  Tax-on-web ouvre  ", nl: null, channelIds: [xFr.id] });
    const paired = await makeItem(t.db, editor, { localDate: "2027-02-04", channelIds: [xFr.id, xNl.id], status: "scheduled" });
    const question = await t.db
      .insertInto("recurring_questions")
      .values({ slug: "refund-when", label_fr: "Remboursement", label_nl: "Terugbetaling", keywords_fr: [], keywords_nl: [], monthly_volume: 10 })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db.insertInto("item_tags").values({ content_item_id: paired.id, recurring_question_id: question.id }).execute();

    const q = parseCalendarQuery("2027-02", new URLSearchParams())!;
    const all = await calendarData(ctx, q.period, q.filters);
    const inFebruary = events(all).filter((e) => e.localDate.startsWith("2027-02"));
    expect(inFebruary.map((e) => e.id)).toEqual([lonely.id, paired.id]);
    expect(inFebruary[0]).toMatchObject({ localTime: "09:00", texts: { fr: "Tax-on-web ouvre", nl: "" }, missing: ["nl"], channelIds: [xFr.id], tags: [] });
    expect(new Date(inFebruary[0]!.start).toISOString()).toBe("2027-02-03T08:00:00.000Z");
    expect(inFebruary[1]).toMatchObject({ status: "scheduled", missing: [], tags: ["refund-when"], version: 1 });
    expect(all.coverage.find((c) => c.channelId === xFr.id)).toEqual({ channelId: xFr.id, coveredDays: 2, totalDays: 28 });
    expect(all.coverage.find((c) => c.channelId === xNl.id)?.coveredDays).toBe(1);
    expect(all.emptyByDate["2027-02-03"]).toEqual(expect.arrayContaining([xNl.id, li.id]));

    const missing = parseCalendarQuery("2027-02", new URLSearchParams("missing=nl"))!;
    const onlyMissing = await calendarData(ctx, missing.period, missing.filters);
    expect(events(onlyMissing).map((e) => e.id)).toEqual([lonely.id]);
    // The filters choose what is shown; the coverage still counts the whole month.
    expect(onlyMissing.coverage.find((c) => c.channelId === xNl.id)?.coveredDays).toBe(1);
    const scheduledNl = parseCalendarQuery("2027-02", new URLSearchParams(`status=scheduled&channel=${xNl.id}`))!;
    const scheduledOnNl = await calendarData(ctx, scheduledNl.period, scheduledNl.filters);
    expect(events(scheduledOnNl).map((e) => e.id)).toEqual([paired.id]);
    expect(scheduledOnNl.coverage).toEqual(all.coverage);
    // The week view counts the month's coverage too, not only the week's.
    const week = parseCalendarQuery("2027-02", new URLSearchParams("view=week&date=2027-02-10"))!;
    expect((await calendarData(ctx, week.period, week.filters)).coverage).toEqual(all.coverage);
    const tagged = parseCalendarQuery("2027-02", new URLSearchParams("tag=refund-when"))!;
    expect(events(await calendarData(ctx, tagged.period, tagged.filters)).map((e) => e.id)).toEqual([paired.id]);
    // A channel id that is not one (a hand-edited URL) is dropped, not sent to PostgreSQL.
    const odd = parseCalendarQuery("2027-02", new URLSearchParams("channel=not-a-uuid&channel=' or 1=1"))!;
    expect(odd.filters.channels).toEqual([]);
    expect(events(await calendarData(ctx, odd.period, odd.filters)).length).toBeGreaterThanOrEqual(2);
  });

  it("the month view gets the first ten posts of a full day and counts the rest; the week view, the agenda and the missing filter get them all", async () => {
    const events = (data: { eventsJson: string }): CalendarEvent[] => decodeCalendarEvents(data.eventsJson);
    // 14 posts on 8 April 2027, written in reverse order of time; the last one, the latest, goes to
    // LinkedIn only and lacks its Dutch text. 3 posts on 9 April.
    const full: { id: string }[] = [];
    for (let i = 13; i >= 0; i--) {
      full[i] = await makeItem(t.db, editor, { localDate: "2027-04-08", localTime: `${String(8 + i).padStart(2, "0")}:15`, channelIds: i === 13 ? [li.id] : [xFr.id], nl: i === 13 ? null : undefined });
    }
    const next = [];
    for (let i = 0; i < 3; i++) next.push(await makeItem(t.db, editor, { localDate: "2027-04-09", localTime: `1${i}:00`, channelIds: [xNl.id] }));

    const month = parseCalendarQuery("2027-04", new URLSearchParams())!;
    const data = await calendarData(ctx, month.period, month.filters);
    const byDate = (list: CalendarEvent[], date: string) => list.filter((e) => e.localDate === date).map((e) => e.id);
    expect(MONTH_CELL_LIMIT).toBe(10);
    expect(byDate(events(data), "2027-04-08")).toEqual(full.slice(0, 10).map((e) => e.id));
    expect(byDate(events(data), "2027-04-09")).toEqual(next.map((e) => e.id));
    expect(data.hiddenByDate).toEqual({ "2027-04-08": 4 });
    expect(data.total).toBe(17);
    // What was not sent still counts: LinkedIn has a post on 8 April, the 14th of the day.
    expect(data.emptyByDate["2027-04-08"] ?? []).not.toContain(li.id);
    expect(data.coverage.find((c) => c.channelId === li.id)?.coveredDays).toBe(1);

    // A filter applies before the first ten are chosen.
    const onLinkedIn = parseCalendarQuery("2027-04", new URLSearchParams(`channel=${li.id}`))!;
    const linkedIn = await calendarData(ctx, onLinkedIn.period, onLinkedIn.filters);
    expect(events(linkedIn).map((e) => e.id)).toEqual([full[13]!.id]);
    expect(linkedIn).toMatchObject({ hiddenByDate: {}, total: 1 });
    // "Missing a language" is decided on every post: the 14th is found.
    const missingNl = parseCalendarQuery("2027-04", new URLSearchParams("missing=nl"))!;
    const missing = await calendarData(ctx, missingNl.period, missingNl.filters);
    expect(events(missing).map((e) => e.id)).toEqual([full[13]!.id]);
    expect(missing).toMatchObject({ hiddenByDate: {}, total: 1 });

    // The week view and the agenda list every post.
    for (const search of ["view=week&date=2027-04-08", "view=agenda"]) {
      const q = parseCalendarQuery("2027-04", new URLSearchParams(search))!;
      const listed = await calendarData(ctx, q.period, q.filters);
      expect(byDate(events(listed), "2027-04-08"), search).toEqual(full.map((e) => e.id));
      expect(listed, search).toMatchObject({ hiddenByDate: {}, total: 17 });
    }
  });

  it("the calendar's copies of texts, channels and tags follow every change, whoever writes it", async () => {
    const events = async () => {
      const q = parseCalendarQuery("2027-03", new URLSearchParams())!;
      return decodeCalendarEvents((await calendarData(ctx, q.period, q.filters)).eventsJson);
    };
    const item = await makeItem(t.db, editor, { localDate: "2027-03-10", fr: "Premier texte", nl: "Eerste tekst", channelIds: [xFr.id, xNl.id] });
    const question = await t.db
      .insertInto("recurring_questions")
      .values({ slug: "myminfin-login", label_fr: "Connexion", label_nl: "Aanmelden", keywords_fr: [], keywords_nl: [], monthly_volume: 5 })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db.insertInto("item_tags").values({ content_item_id: item.id, recurring_question_id: question.id }).execute();
    expect((await events()).find((e) => e.id === item.id)).toMatchObject({ texts: { fr: "Premier texte", nl: "Eerste tekst" }, tags: ["myminfin-login"] });

    // A text changes; a long text is cut to its first 80 characters.
    const long = "Votre déclaration ".repeat(10);
    await t.db.updateTable("variants").set({ text: long }).where("content_item_id", "=", item.id).where("language", "=", "fr").execute();
    await t.db.deleteFrom("variants").where("content_item_id", "=", item.id).where("language", "=", "nl").execute();
    await t.db.deleteFrom("content_item_channels").where("content_item_id", "=", item.id).where("channel_id", "=", xNl.id).execute();
    await t.db.updateTable("recurring_questions").set({ slug: "myminfin-sign-in" }).where("id", "=", question.id).execute();
    const changed = (await events()).find((e) => e.id === item.id)!;
    expect(changed.texts.fr).toBe(long.slice(0, 80).trim());
    expect(changed).toMatchObject({ texts: { nl: "" }, missing: ["nl"], channelIds: [xFr.id], tags: ["myminfin-sign-in"] });

    await t.db.deleteFrom("item_tags").where("content_item_id", "=", item.id).execute();
    expect((await events()).find((e) => e.id === item.id)?.tags).toEqual([]);
  });
});
