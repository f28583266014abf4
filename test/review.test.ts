import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../app/services/context.server";
import { itemHistory, saveItem } from "../app/services/content-items.server";
import { addComment, approveItems, checkPublishable, rejectItem, saveTranslation, submitForReview } from "../app/services/review.server";
import { approverQueue, rejectedItems, reviewState, translatorQueue, workCounts } from "../app/services/review-queues.server";
import { decideExceptionRequest, requestException } from "../app/services/parity-exceptions.server";
import { sendReminders, myReminders, dismissMyReminder } from "../app/services/reminders.server";
import { teamSettings, updateTeamSettings } from "../app/services/settings.server";
import type { Channel, User } from "../db/schema";
import { makeChannel, makeUser } from "./factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";

let t: TestDatabase;
let ctx: AppContext;
let editor: User;
let translator: User;
let approver: User;
let otherApprover: User;
let admin: User;
let xFr: Channel;
let xNl: Channel;
// 10:00 in Brussels, Tuesday 24 November 2026.
const NOW = new Date("2026-11-24T09:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db, { now: () => NOW });
  editor = await makeUser(t.db, ["editor"], "Sophie Lambert");
  translator = await makeUser(t.db, ["translator"], "Pieter Janssens");
  approver = await makeUser(t.db, ["approver"], "Marc Dubois");
  otherApprover = await makeUser(t.db, ["approver", "editor"], "Els Claes");
  admin = await makeUser(t.db, ["admin"], "Admin");
  xFr = await makeChannel(t.db, "x", "fr");
  xNl = await makeChannel(t.db, "x", "nl");
});
afterAll(async () => {
  await t.drop();
});

async function row(id: string) {
  return await t.db.selectFrom("content_items").select(["status", "version"]).where("id", "=", id).executeTakeFirstOrThrow();
}

/** The editor writes the French text only, for a date, on both X channels. */
async function frenchDraft(localDate: string, author: User = editor, fr = "Votre avertissement-extrait de rôle arrive : voici comment le lire.") {
  const r = await saveItem(ctx, author, null, { localDate, localTime: "10:00", sourceLanguage: "fr", frText: fr, nlText: "", channelIds: [xFr.id, xNl.id] });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}

/** Through the whole flow up to "awaiting approval". */
async function readyForApproval(localDate: string, author: User = editor) {
  const item = await frenchDraft(localDate, author);
  const submitted = await submitForReview(ctx, author, item.id, item.version);
  if (!submitted.ok) throw new Error(submitted.key);
  const translated = await saveTranslation(ctx, translator, item.id, "nl", { version: submitted.version, text: "Uw aanslagbiljet komt eraan: zo leest u het.", submit: "1" });
  if (!translated.ok) throw new Error(translated.key);
  return { id: item.id, version: translated.version };
}

describe("the pair from draft to scheduled", () => {
  it("goes draft → in translation → awaiting approval → scheduled, each step audited", async () => {
    const item = await frenchDraft("2026-12-10");
    expect((await row(item.id)).status).toBe("draft");
    const submitted = await submitForReview(ctx, editor, item.id, item.version);
    expect(submitted).toMatchObject({ ok: true, status: "in_translation" });
    expect((await translatorQueue(ctx)).filter((q) => q.itemId === item.id)).toEqual([
      expect.objectContaining({ language: "nl", state: "missing", deadline: "2026-12-08", late: false }),
    ]);
    const translated = await saveTranslation(ctx, translator, item.id, "nl", { version: submitted.ok ? submitted.version : 0, text: "Uw aanslagbiljet komt eraan.", submit: "1" });
    expect(translated).toMatchObject({ ok: true, status: "awaiting_approval" });
    expect((await approverQueue(ctx, approver)).map((q) => q.itemId)).toContain(item.id);
    const approved = await approveItems(ctx, approver, [{ id: item.id, version: translated.ok ? translated.version : 0 }]);
    expect(approved).toEqual({ ok: true, approved: 1, scheduled: 1 });
    expect((await row(item.id)).status).toBe("scheduled");
    expect(await checkPublishable(t.db, item.id)).toMatchObject({ ok: true });
    expect((await itemHistory(ctx, item.id)).map((h) => h.action)).toEqual(["item.created", "item.submitted", "variant.translated", "item.approved"]);
  });

  it("a later change of the French text marks the Dutch stale, withdraws approval, and the item is no longer publishable", async () => {
    const { id, version } = await readyForApproval("2026-12-11");
    await approveItems(ctx, approver, [{ id, version }]);
    const before = await row(id);
    expect(before.status).toBe("scheduled");
    const edited = await saveItem(ctx, editor, id, {
      version: before.version,
      localDate: "2026-12-11",
      localTime: "10:00",
      sourceLanguage: "fr",
      frText: "Votre avertissement-extrait de rôle arrive plus tard que prévu.",
      nlText: "Uw aanslagbiljet komt eraan: zo leest u het.",
      channelIds: [xFr.id, xNl.id],
    });
    expect(edited).toMatchObject({ ok: true, approvalWithdrawn: true });
    expect((await row(id)).status).toBe("draft");
    const state = await reviewState(ctx, approver, id);
    expect(state?.languages.map((l) => [l.language, l.state])).toEqual([
      ["fr", "draft"],
      ["nl", "stale"],
    ]);
    expect(await checkPublishable(t.db, id)).toMatchObject({ ok: false, reasons: expect.arrayContaining([{ code: "language.stale", language: "nl" }]) });
    // The translator sees it, with what changed in the source.
    const task = (await translatorQueue(ctx)).find((q) => q.itemId === id);
    expect(task).toMatchObject({ language: "nl", state: "stale" });
  });
});

describe("approval rules", () => {
  it("the author cannot approve their own item, unless an admin relaxed four eyes (audited)", async () => {
    const own = await readyForApproval("2026-12-12", otherApprover);
    expect(await approveItems(ctx, otherApprover, [own])).toMatchObject({ ok: false, key: "review.approvalRefused", problems: [{ id: own.id, key: "review.ownItem" }] });
    expect((await row(own.id)).status).toBe("awaiting_approval");

    expect(await updateTeamSettings(ctx, admin, { fourEyesRelaxed: "on", bilingualOrder: "fr-nl", translationDeadlineDays: "2" })).toEqual({ ok: true });
    const audit = await t.db.selectFrom("audit_events").selectAll().where("action", "=", "settings.updated").execute();
    expect(audit).toEqual([expect.objectContaining({ subject_id: "fourEyesRelaxed", before: { fourEyesRelaxed: false }, after: { fourEyesRelaxed: true } })]);
    expect(await approveItems(ctx, otherApprover, [own])).toMatchObject({ ok: true, approved: 1 });
    await updateTeamSettings(ctx, admin, { bilingualOrder: "fr-nl", translationDeadlineDays: "2" });
    expect((await teamSettings(t.db)).fourEyesRelaxed).toBe(false);
  });

  it("refuses to approve an item with a language missing, and the publishing path refuses it even if its status is forced", async () => {
    const item = await frenchDraft("2026-12-14");
    const submitted = await submitForReview(ctx, editor, item.id, item.version);
    const version = submitted.ok ? submitted.version : 0;
    expect(await approveItems(ctx, approver, [{ id: item.id, version }])).toMatchObject({ ok: false, problems: [{ id: item.id, key: "review.notReady.missing" }] });
    // Someone forces the status in the database: the check the jobs make still says no.
    await t.db.updateTable("content_items").set({ status: "scheduled" }).where("id", "=", item.id).execute();
    await t.db.updateTable("variants").set({ status: "approved" }).where("content_item_id", "=", item.id).where("language", "=", "fr").execute();
    expect(await checkPublishable(t.db, item.id)).toMatchObject({ ok: false, reasons: expect.arrayContaining([{ code: "language.missing", language: "nl" }]) });
    // An approval forced without the approved content's hash does not count either.
    await t.db.updateTable("variants").set({ status: "approved", text: "Geforceerd", source_hash: "x" }).where("content_item_id", "=", item.id).where("language", "=", "nl").execute();
    expect(await checkPublishable(t.db, item.id)).toMatchObject({ ok: false });
  });

  it("approves exactly what was shown: nothing if one of them changed since", async () => {
    const a = await readyForApproval("2026-12-15");
    const b = await readyForApproval("2026-12-16");
    const notShown = await readyForApproval("2026-12-17");
    // b changes after the approver opened the page.
    const comment = await saveTranslation(ctx, translator, b.id, "nl", { version: b.version, text: "Uw aanslagbiljet komt eraan (bijgewerkt).", submit: "1" });
    expect(comment.ok).toBe(true);
    const refused = await approveItems(ctx, approver, [a, b]);
    expect(refused).toMatchObject({ ok: false, problems: [{ id: b.id, key: "review.changedSinceShown" }] });
    expect((await row(a.id)).status).toBe("awaiting_approval");
    const fresh = { id: b.id, version: (await row(b.id)).version };
    expect(await approveItems(ctx, approver, [a, fresh])).toEqual({ ok: true, approved: 2, scheduled: 2 });
    expect((await row(notShown.id)).status).toBe("awaiting_approval");
    const events = await t.db.selectFrom("audit_events").select(["subject_id", "after"]).where("action", "=", "item.approved").where("subject_id", "in", [a.id, b.id]).execute();
    expect(events.map((e) => (e.after as { bulk: boolean }).bulk)).toEqual([true, true]);
  });

  it("a rejection needs a comment, sends the item back, and shows in the editor's rejected items", async () => {
    const item = await readyForApproval("2026-12-18");
    expect(await rejectItem(ctx, approver, item.id, { version: item.version, comment: "  " })).toMatchObject({ ok: false, key: "review.commentRequired" });
    const rejected = await rejectItem(ctx, approver, item.id, { version: item.version, comment: "Le lien manque.", language: "fr" });
    expect(rejected).toMatchObject({ ok: true, status: "draft" });
    expect(await rejectedItems(ctx, editor)).toEqual(expect.arrayContaining([expect.objectContaining({ itemId: item.id, languages: ["fr"], comment: "Le lien manque." })]));
    expect((await workCounts(ctx, editor)).rejected).toBeGreaterThanOrEqual(1);
    const state = await reviewState(ctx, editor, item.id);
    expect(state?.comments.map((c) => [c.authorName, c.body])).toEqual([["Marc Dubois", "Le lien manque."]]);
  });

  it("only approvers approve or reject; viewers and translators cannot comment on what they cannot change", async () => {
    const item = await readyForApproval("2026-12-19");
    expect(await approveItems(ctx, editor, [item])).toMatchObject({ ok: false, key: "error.forbidden.body" });
    expect(await rejectItem(ctx, translator, item.id, { version: item.version, comment: "non" })).toMatchObject({ ok: false, key: "error.forbidden.body" });
    const viewer = await makeUser(t.db, ["viewer"]);
    expect(await addComment(ctx, viewer, item.id, "Bonjour")).toMatchObject({ ok: false, key: "error.forbidden.body" });
    expect(await addComment(ctx, translator, item.id, "  ")).toMatchObject({ ok: false, key: "review.commentRequired" });
    expect(await addComment(ctx, translator, item.id, "« zo leest u het » of « zo leest u dit » ?")).toEqual({ ok: true });
  });
});

describe("exceptions to the parity rule", () => {
  it("an exception without a reason is refused; with one, approved by someone else, a French-only item can be scheduled on French channels", async () => {
    const r = await saveItem(ctx, editor, null, { localDate: "2026-12-21", localTime: "10:00", sourceLanguage: "fr", frText: "Journée portes ouvertes au bureau de Liège.", nlText: "", channelIds: [xFr.id] });
    if (!r.ok) throw new Error("save");
    expect(await requestException(ctx, editor, r.id, { version: r.version, language: "fr", reason: "" })).toMatchObject({ ok: false, key: "review.exceptionReasonRequired" });
    expect(await requestException(ctx, editor, r.id, { version: r.version, language: "fr", reason: "court" })).toMatchObject({ ok: false, key: "review.exceptionReasonRequired" });
    const requested = await requestException(ctx, editor, r.id, { version: r.version, language: "fr", reason: "Événement local en région de langue française uniquement." });
    expect(requested.ok).toBe(true);
    const submitted = await submitForReview(ctx, editor, r.id, requested.ok ? requested.version : 0);
    expect(submitted.ok).toBe(true);
    let version = submitted.ok ? submitted.version : 0;
    expect(await checkPublishable(t.db, r.id)).toMatchObject({ ok: false, reasons: expect.arrayContaining([{ code: "exception.pending" }]) });
    const decided = await decideExceptionRequest(ctx, approver, r.id, { version, decision: "approve" });
    expect(decided.ok).toBe(true);
    version = decided.ok ? decided.version : 0;
    expect(await approveItems(ctx, approver, [{ id: r.id, version }])).toEqual({ ok: true, approved: 1, scheduled: 1 });
    const actions = (await itemHistory(ctx, r.id)).map((h) => h.action);
    expect(actions).toEqual(expect.arrayContaining(["parity_exception.requested", "parity_exception.approved", "item.approved"]));
  });
});

describe("the translator's deadline", () => {
  it("puts the deadline two business days before publication and flags late work (holidays: see pairing.test.ts)", async () => {
    // Today is Tuesday 24 November 2026.
    const soon = await frenchDraft("2026-11-26");
    await submitForReview(ctx, editor, soon.id, soon.version);
    const task = (await translatorQueue(ctx)).find((q) => q.itemId === soon.id);
    // Thursday 26 November: two business days before is Tuesday 24 November, today: not late yet.
    expect(task).toMatchObject({ deadline: "2026-11-24", late: false });
    const lateCtx = testContext(t.db, { now: () => new Date("2026-11-25T09:00:00Z") });
    expect((await translatorQueue(lateCtx)).find((q) => q.itemId === soon.id)).toMatchObject({ late: true });
  });
});

describe("reminders", () => {
  it("remind translators of translations due within a business day and approvers of posts going out soon, once each", async () => {
    // Today is Tuesday 24 November 2026; due Friday 27: the translation deadline is Wednesday 25.
    const due = await frenchDraft("2026-11-27");
    await submitForReview(ctx, editor, due.id, due.version);
    const farAway = await frenchDraft("2026-12-30");
    await submitForReview(ctx, editor, farAway.id, farAway.version);
    const waiting = await readyForApproval("2026-11-25");

    const first = await sendReminders(ctx);
    expect(first.translation).toBeGreaterThanOrEqual(1);
    expect(first.approval).toBeGreaterThanOrEqual(1);
    const forTranslator = await myReminders(ctx, translator);
    expect(forTranslator.map((r) => [r.content_item_id, r.kind, r.language, r.due_date])).toContainEqual([due.id, "translation", "nl", "2026-11-25"]);
    expect(forTranslator.map((r) => r.content_item_id)).not.toContain(farAway.id);
    const forApprover = await myReminders(ctx, approver);
    expect(forApprover.map((r) => [r.content_item_id, r.kind])).toContainEqual([waiting.id, "approval"]);
    // The author of an item is not asked to approve it.
    expect((await myReminders(ctx, editor)).map((r) => r.content_item_id)).not.toContain(waiting.id);

    // Run again: nothing new. Dismissed: gone for that person only.
    expect(await sendReminders(ctx)).toEqual({ translation: 0, approval: 0 });
    const one = forTranslator.find((r) => r.content_item_id === due.id)!;
    expect(await dismissMyReminder(ctx, approver, one.id)).toBe(false);
    expect(await dismissMyReminder(ctx, translator, one.id)).toBe(true);
    expect((await myReminders(ctx, translator)).map((r) => r.id)).not.toContain(one.id);
    expect((await workCounts(ctx, approver)).reminders).toBeGreaterThanOrEqual(1);
  });
});
