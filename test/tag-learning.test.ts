import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { suggestTags } from "../app/services/questions.server";
import { currentTagModel, evaluateTeamTagging, forgetCachedTagModel, learningSummary, recordTagFeedback, retrainIfChanged } from "../app/services/tag-learning.server";
import { learnedScores } from "../app/domain/tag-model";
import type { AppContext } from "../app/services/context.server";
import { replaceItemTags } from "../db/repositories/content-items";
import type { User } from "../db/schema";
import { makeChannel, makeItem, makeUser } from "./factories";
import { importPlan } from "../app/services/spreadsheet.server";
import { apiSaveItem } from "../app/services/api-items.server";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";

/**
 * The model learned from the team's tagging, in the product: trained from every tag of every item
 * that exists (drafts too) for both language versions, stored versioned, retrained only when tags,
 * texts or feedback changed, used by the suggestions the editor and the API show; editors'
 * verdicts recorded once and rejected suggestions counted against a question.
 */
let t: TestDatabase;
let ctx: AppContext;
let editor: User;
const q: Record<string, string> = {};

const suggest = async (text: string, lang: "fr" | "nl") => {
  forgetCachedTagModel();
  const r = await suggestTags(ctx, { text, lang });
  if (!r.ok) throw new Error("invalid");
  return r.result;
};

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  editor = await makeUser(t.db, ["editor"]);
  const rows = await t.db
    .insertInto("recurring_questions")
    .values([
      { slug: "refund", label_fr: "Remboursement", label_nl: "Terugbetaling", keywords_fr: ["remboursement"], keywords_nl: ["terugbetaling"] },
      { slug: "cars", label_fr: "Taxe de circulation", label_nl: "Verkeersbelasting", keywords_fr: ["taxe de circulation"], keywords_nl: ["verkeersbelasting"] },
      { slug: "parking", label_fr: "Stationnement", label_nl: "Parkeren", keywords_fr: ["stationnement"], keywords_nl: ["parkeren"] },
    ])
    .returning(["id", "slug"])
    .execute();
  for (const r of rows) q[r.slug] = r.id;
  const pairs: [string, string, string[]][] = [
    ["L'argent trop versé revient sur votre compte bancaire.", "Het te veel gestorte geld komt terug op uw bankrekening.", [q.refund!]],
    ["Votre compte bancaire reçoit le montant trop versé.", "Uw bankrekening ontvangt het te veel gestorte bedrag.", [q.refund!]],
    ["Trop versé cette année ? Le montant arrive vite.", "Te veel gestort dit jaar? Het bedrag komt snel.", [q.refund!]],
    ["Immatriculation d'un véhicule : la taxe annuelle dépend de la cylindrée.", "Inschrijving van een voertuig: de jaarlijkse taks hangt af van de cilinderinhoud.", [q.cars!]],
    ["Véhicule électrique : la taxe annuelle est réduite.", "Elektrisch voertuig: de jaarlijkse taks is verlaagd.", [q.cars!]],
  ];
  for (const [i, [fr, nl, tags]] of pairs.entries()) {
    const item = await makeItem(t.db, editor, { localDate: `2030-01-${String(10 + i).padStart(2, "0")}`, fr, nl, channelIds: [], status: i === 0 ? "draft" : "published" });
    await replaceItemTags(t.db, item.id, tags);
  }
});
afterAll(async () => {
  await t?.drop();
});

describe("learning from the team's tagging", () => {
  it("trains from every tagged item's two texts, stores the model once, and suggestions use it", async () => {
    const text = "Le montant trop versé arrive sur votre compte.";
    expect((await suggest(text, "fr")).suggestions).toEqual([]);
    const first = await retrainIfChanged(ctx);
    expect(first).toMatchObject({ trained: true, examples: 10 });
    expect(await retrainIfChanged(ctx)).toMatchObject({ trained: false, version: first.version });
    expect((await suggest(text, "fr")).suggestions[0]).toMatchObject({ slug: "refund" });
    // Dutch learned from the Dutch texts of the same pairs.
    expect((await suggest("Het te veel gestorte bedrag staat op uw bankrekening.", "nl")).suggestions[0]).toMatchObject({ slug: "refund" });
    // A question without history is found by its keywords.
    expect((await suggest("Stationnement : nouvelles règles en ville.", "fr")).suggestions[0]).toMatchObject({ slug: "parking" });
  });

  it("retrains when a tag changes, and a deleted item stops counting", async () => {
    const item = await makeItem(t.db, editor, { localDate: "2030-02-01", fr: "Se garer devant la maison : zone bleue et disque.", nl: "Parkeren voor de deur: blauwe zone en schijf.", channelIds: [] });
    await replaceItemTags(t.db, item.id, [q.parking!]);
    const retrained = await retrainIfChanged(ctx);
    expect(retrained).toMatchObject({ trained: true, examples: 12 });
    expect((await suggest("Zone bleue : où mettre le disque ?", "fr")).suggestions[0]).toMatchObject({ slug: "parking" });
    await t.db.deleteFrom("content_items").where("id", "=", item.id).execute();
    expect(await retrainIfChanged(ctx)).toMatchObject({ trained: true, examples: 10 });
  });

  it("records each verdict once, and a rejected suggestion weighs the question down for similar texts", async () => {
    const item = await makeItem(t.db, editor, { localDate: "2030-02-02", fr: "Compte bancaire et montant de la taxe annuelle du véhicule.", nl: "Bankrekening en bedrag van de jaarlijkse taks van het voertuig.", channelIds: [] });
    await replaceItemTags(t.db, item.id, [q.cars!]);
    await retrainIfChanged(ctx);
    const refundScore = async () => {
      forgetCachedTagModel();
      return learnedScores((await currentTagModel(ctx))!, "Votre compte bancaire reçoit un montant.", "fr").get(q.refund!)?.score ?? 0;
    };
    const before = await refundScore();
    expect(before).toBeGreaterThan(0);
    const feedback = { itemId: item.id, userId: editor.id, tagIds: [q.cars!, q.parking!], suggested: [{ id: q.cars!, lang: "fr" as const }, { id: q.refund!, lang: "fr" as const }], rejected: [{ id: q.refund!, lang: "fr" as const }, { id: "00000000-0000-4000-8000-000000000000", lang: "fr" as const }] };
    await recordTagFeedback(ctx, feedback);
    await recordTagFeedback(ctx, feedback);
    const rows = await t.db.selectFrom("tag_feedback").select(["recurring_question_id", "verdict", "language"]).where("content_item_id", "=", item.id).orderBy("verdict").execute();
    expect(rows).toEqual([
      { recurring_question_id: q.cars, verdict: "accepted", language: "fr" },
      { recurring_question_id: q.parking, verdict: "added", language: "fr" },
      { recurring_question_id: q.refund, verdict: "rejected", language: "fr" },
    ]);
    expect(await retrainIfChanged(ctx)).toMatchObject({ trained: true });
    expect(await refundScore()).toBeLessThan(before);
  });

  it("evaluates on the team's own pairs by cross-validation, or says there are too few", async () => {
    expect(await evaluateTeamTagging(ctx, 5)).toBeNull();
    const e = await evaluateTeamTagging(ctx, 3);
    expect(e).toMatchObject({ pairs: 6, folds: 3 });
    expect(e!.top3).toBeGreaterThan(0);
  });

  it("imports last year's posts as history from a spreadsheet and the API: published, never sent, teaching the suggestions", async () => {
    const channel = await makeChannel(t.db, "x", "fr", "X history");
    const grid = [
      ["date", "time", "channels", "fr_text", "nl_text", "tags"],
      ["2025-03-14", "10:00", "X history", "Zone bleue : le disque de stationnement est obligatoire.", "Blauwe zone: de parkeerschijf is verplicht.", "parking"],
      ["14/04/2025", "9:30", "X history", "Se garer en zone bleue sans disque coûte cher.", "Parkeren in de blauwe zone zonder schijf kost veel.", "parking"],
      ["2031-05-01", "10:00", "X history", "Un post à venir.", "Een komend bericht.", ""],
    ];
    const preview = await importPlan(ctx, editor, grid, { commit: false });
    expect(preview.ok && preview.changes.map((c) => c.action)).toEqual(["history", "history", "create"]);
    const done = await importPlan(ctx, editor, grid, { commit: true });
    expect(done.ok).toBe(true);
    const history = await t.db.selectFrom("content_items").select(["id", "status", "imported_at", "local_date"]).where("imported_at", "is not", null).orderBy("local_date").execute();
    expect(history.map((h) => [h.status, h.local_date])).toEqual([
      ["published", "2025-03-14"],
      ["published", "2025-04-14"],
    ]);
    // Nothing is ever sent for them.
    expect(await t.db.selectFrom("publications").select("id").where("content_item_id", "in", history.map((h) => h.id)).execute()).toEqual([]);
    expect((await retrainIfChanged(ctx)).trained).toBe(true);
    expect((await suggest("Le disque en zone bleue, oublié ?", "fr")).suggestions[0]).toMatchObject({ slug: "parking" });

    // The API: a past post with "history": true; in the future it is refused with its reason.
    const caller = { user: editor, scope: "write" as const, lang: "en" as const };
    const body = { localDate: "2025-06-02", localTime: "11:00", texts: { fr: { text: "Zone bleue et disque : rappel." }, nl: { text: "Blauwe zone en schijf: herinnering." } }, channelIds: [channel.id], tags: ["parking"], history: true };
    const created = await apiSaveItem(ctx, caller, null, body);
    expect(created.status).toBe(201);
    expect(((await created.json()) as { status: string }).status).toBe("published");
    const future = await apiSaveItem(ctx, caller, null, { ...body, localDate: "2031-06-02" });
    expect(future.status).toBe(422);
    expect(JSON.stringify(await future.json())).toContain("must be dated in the past");
  });

  it("a model trained on enough items stores the confident threshold its cross-validation measured, and the questions page says so", async () => {
    // Before: too few items to measure, the default threshold applies.
    await retrainIfChanged(ctx, { force: true });
    expect((await learningSummary(ctx)).model?.confidence).toEqual({ kind: "default" });

    const refund = ["Le remboursement arrive sur votre compte bancaire.", "Remboursement : le montant trop versé revient.", "Votre remboursement est versé ce mois-ci.", "Remboursement trop versé : vérifiez votre compte.", "Le trop versé vous est remboursé sur votre compte.", "Remboursement annuel : le montant revient vite.", "Compte bancaire à jour ? Le remboursement suit."];
    const cars = ["Taxe de circulation : le montant dépend du véhicule.", "Véhicule neuf : la taxe de circulation change.", "Taxe de circulation réduite pour un véhicule électrique.", "Votre véhicule et la taxe annuelle de circulation.", "Immatriculation et taxe de circulation du véhicule.", "Taxe de circulation : payez pour votre véhicule avant l'échéance.", "Véhicule d'occasion : quelle taxe de circulation ?"];
    let day = 1;
    for (const [texts, id] of [[refund, q.refund!], [cars, q.cars!]] as const) {
      for (const fr of texts) {
        const item = await makeItem(t.db, editor, { localDate: `2030-03-${String(day++).padStart(2, "0")}`, fr, nl: "", channelIds: [], status: "published" });
        await replaceItemTags(t.db, item.id, [id]);
      }
    }
    const trained = await retrainIfChanged(ctx);
    expect(trained.trained).toBe(true);
    forgetCachedTagModel();
    const model = await currentTagModel(ctx);
    expect(model?.calibration).toMatchObject({ folds: 5 });
    expect(model?.confidentScore === null || typeof model?.confidentScore === "number").toBe(true);
    const summary = (await learningSummary(ctx)).model!;
    expect(summary.confidence.kind).toBe(model!.confidentScore === null ? "none" : "calibrated");
    if (summary.confidence.kind === "calibrated") {
      expect(summary.confidence.score).toBe(model!.confidentScore);
      expect(summary.confidence.precision!).toBeGreaterThanOrEqual(0.95);
    }

    // A change to a question's keywords retrains (its keywords weigh in the calibration).
    await t.db.updateTable("recurring_questions").set({ keywords_fr: ["remboursement", "trop versé"], version: 2 }).where("id", "=", q.refund!).execute();
    expect((await retrainIfChanged(ctx)).trained).toBe(true);
  });
});
