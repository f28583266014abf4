import { describe, expect, it } from "vitest";
import { demoQuestions } from "../seed/demo-questions";
import { labelledPosts } from "../../test/fixtures/question-posts";
import { testPosts } from "../../test/fixtures/question-test-posts";
import { testPosts2 } from "../../test/fixtures/question-test-posts-2";
import { historyTexts } from "../../test/fixtures/question-history";
import { buildQuestionIndex, type MatchableQuestion } from "./question-match";
import { confidentThreshold, crossValidate, trainCalibratedTagModel } from "./tag-evaluate";
import { features, learnedScores, suggestWithModel, trainTagModel, type TrainingExample } from "./tag-model";

/**
 * A small synthetic taxonomy: the questions' keywords are words the test texts never use; only the
 * team's history (tagged texts) uses them. The model must find the questions from the history, a
 * question without history by its keywords, Dutch texts through the French tags of their pairs,
 * and rejected suggestions must weigh a question down for similar texts.
 */
const taxonomy: MatchableQuestion[] = [
  { id: "refund", slug: "refund", labelFr: "Remboursement", labelNl: "Terugbetaling", keywordsFr: ["remboursement"], keywordsNl: ["terugbetaling"] },
  { id: "parking", slug: "parking", labelFr: "Stationnement", labelNl: "Parkeren", keywordsFr: ["stationnement"], keywordsNl: ["parkeren"] },
  { id: "cars", slug: "cars", labelFr: "Taxe de circulation", labelNl: "Verkeersbelasting", keywordsFr: ["taxe de circulation"], keywordsNl: ["verkeersbelasting"] },
];
const index = buildQuestionIndex(taxonomy);
const pair = (fr: string, nl: string, questionIds: string[]): TrainingExample[] => [
  { lang: "fr", text: fr, questionIds },
  { lang: "nl", text: nl, questionIds },
];
const history: TrainingExample[] = [
  ...pair("L'argent trop versé revient sur votre compte bancaire.", "Het te veel gestorte geld komt terug op uw bankrekening.", ["refund"]),
  ...pair("Votre compte bancaire reçoit le montant trop versé.", "Uw bankrekening ontvangt het te veel gestorte bedrag.", ["refund"]),
  ...pair("Trop versé cette année ? Le montant revient vite.", "Te veel gestort dit jaar? Het bedrag komt snel terug.", ["refund"]),
  ...pair("Immatriculation d'un véhicule : la taxe annuelle dépend de la cylindrée.", "Inschrijving van een voertuig: de jaarlijkse taks hangt af van de cilinderinhoud.", ["cars"]),
  ...pair("Véhicule électrique : la taxe annuelle est réduite.", "Elektrisch voertuig: de jaarlijkse taks is verlaagd.", ["cars"]),
  ...pair("Nos bureaux ferment à 16 h ce vendredi.", "Onze kantoren sluiten om 16 uur deze vrijdag.", []),
];

describe("the model learned from the team's tagging", () => {
  it("finds a question from what the team wrote when the keywords are absent, and says which words carried it", () => {
    const model = trainTagModel(history);
    const r = suggestWithModel(index, model, "Le montant trop versé revient sur votre compte.", "fr");
    expect(r.suggestions[0]).toMatchObject({ id: "refund" });
    expect(r.suggestions[0]!.matched).toEqual(expect.arrayContaining(["vers"]));
    expect(suggestWithModel(index, null, "Le montant trop versé revient sur votre compte.", "fr").suggestions).toEqual([]);
    expect(suggestWithModel(index, model, "Quelle taxe annuelle pour mon véhicule ?", "fr").suggestions[0]?.id).toBe("cars");
  });

  it("still finds a question without history by its keywords", () => {
    const model = trainTagModel(history);
    expect(model.languages.fr.questions.parking).toBeUndefined();
    expect(suggestWithModel(index, model, "Stationnement : les nouvelles règles.", "fr").suggestions[0]?.id).toBe("parking");
    expect(suggestWithModel(index, model, "Parkeren: de nieuwe regels.", "nl").suggestions[0]?.id).toBe("parking");
  });

  it("learns Dutch from the Dutch texts of pairs tagged in French", () => {
    // Only the pairs teach Dutch: a Dutch text in other words than the keywords is found.
    const frenchOnly = trainTagModel(history.filter((e) => e.lang === "fr"));
    const both = trainTagModel(history);
    const text = "Het te veel gestorte bedrag staat op uw bankrekening.";
    expect(suggestWithModel(index, frenchOnly, text, "nl").suggestions).toEqual([]);
    expect(suggestWithModel(index, both, text, "nl").suggestions[0]?.id).toBe("refund");
  });

  it("weighs a rejected question down for similar texts", () => {
    const text = "Votre compte bancaire : le montant de la taxe annuelle.";
    const before = learnedScores(trainTagModel(history), text, "fr").get("refund")?.score ?? 0;
    const taught = trainTagModel([...history, { lang: "fr", text: "Compte bancaire et montant de la taxe annuelle du véhicule.", questionIds: ["cars"], rejectedIds: ["refund"] }]);
    const after = learnedScores(taught, text, "fr").get("refund")?.score ?? 0;
    expect(before).toBeGreaterThan(0);
    expect(after).toBeLessThan(before);
  });

  it("is retrained from scratch in milliseconds when a tag changes: the new tag counts at once", () => {
    const changed = history.map((e) => (e.text.startsWith("Nos bureaux") || e.text.startsWith("Onze kantoren") ? { ...e, questionIds: ["parking"] } : e));
    const model = trainTagModel(changed);
    expect(model.languages.fr.questions.parking?.examples).toBe(1);
    expect(Object.keys(features("Nos bureaux ferment", "fr"))).toBeDefined();
  });
});

describe("the project's labelled set, training and test parts apart", () => {
  const questions: MatchableQuestion[] = demoQuestions.map((q) => ({ id: q.slug, slug: q.slug, labelFr: q.fr, labelNl: q.nl, keywordsFr: q.keywordsFr, keywordsNl: q.keywordsNl }));
  const training = labelledPosts.map((p, i) => ({ lang: p.lang, text: p.text, questionIds: p.expected ? [p.expected] : [], group: `t${i}`, paraphrase: p.paraphrase }));

  it("cross-validation on the training part: the confident threshold holds 95 % precision on held-out texts", () => {
    const e = crossValidate(training, questions, 5);
    expect(e.top3).toBeGreaterThanOrEqual(0.9);
    const threshold = confidentThreshold(e.predictions, 0.95);
    expect(threshold).not.toBeNull();
    expect(e.confidentPrecision!).toBeGreaterThanOrEqual(0.95);
  });

  it("on the test part, never tuned on: paraphrases found far better than by keywords alone", () => {
    const model = trainTagModel(training);
    const index = buildQuestionIndex(questions);
    const answering = testPosts.filter((p) => p.expected);
    const paraphrases = answering.filter((p) => p.paraphrase);
    const hit = (p: (typeof testPosts)[number], m: typeof model | null) => suggestWithModel(index, m, p.text, p.lang).suggestions.some((s) => s.slug === p.expected);
    const keywordsOnly = paraphrases.filter((p) => hit(p, null)).length / paraphrases.length;
    const learned = paraphrases.filter((p) => hit(p, model)).length / paraphrases.length;
    expect(learned).toBeGreaterThanOrEqual(0.7);
    expect(learned).toBeGreaterThan(keywordsOnly + 0.15);
    expect(answering.filter((p) => hit(p, model)).length / answering.length).toBeGreaterThanOrEqual(0.8);
  });

  // A season of the team's tagging: the training part and the history pairs, as an installation
  // that has been used for a few months would hold them.
  const season = [...training, ...historyTexts()];

  it("a model trained on a season of tagging carries a confident threshold measured on held-out texts, and it holds on posts written apart", () => {
    const model = trainCalibratedTagModel(season, questions);
    expect(model.confidentScore).toEqual(expect.any(Number));
    expect(model.calibration).toMatchObject({ folds: 5, texts: season.length });
    expect(model.calibration!.precision!).toBeGreaterThanOrEqual(0.95);
    // The threshold is the one the cross-validation gives, not the default.
    expect(model.confidentScore).toBe(confidentThreshold(crossValidate(season, questions, 5).predictions, 0.95));

    const index = buildQuestionIndex(questions);
    const scored = testPosts2.map((p) => ({ p, r: suggestWithModel(index, model, p.text, p.lang) }));
    const confident = scored.filter((x) => x.r.confident);
    expect(confident.length).toBeGreaterThan(testPosts2.length / 4);
    expect(confident.filter((x) => x.r.suggestions[0]!.slug === x.p.expected).length / confident.length).toBeGreaterThanOrEqual(0.95);
    // Recruitment, closures, events: never confident.
    expect(confident.filter((x) => x.p.expected === null)).toEqual([]);
  });

  it("on the second test part, written before that season: top-3 recall of 0.9 overall and 0.7 on paraphrases", () => {
    const model = trainCalibratedTagModel(season, questions);
    const index = buildQuestionIndex(questions);
    const answering = testPosts2.filter((p) => p.expected);
    const paraphrases = answering.filter((p) => p.paraphrase);
    const hit = (p: (typeof testPosts2)[number]) => suggestWithModel(index, model, p.text, p.lang).suggestions.some((s) => s.slug === p.expected);
    expect(answering.filter(hit).length / answering.length).toBeGreaterThanOrEqual(0.9);
    expect(paraphrases.filter(hit).length / paraphrases.length).toBeGreaterThanOrEqual(0.7);
  });

  it("too little history keeps the default threshold; a history where no threshold holds the precision gets no confident suggestion", () => {
    const few = trainCalibratedTagModel(training.slice(0, 8), questions);
    expect(few.confidentScore).toBeUndefined();
    expect(few.calibration).toBeUndefined();

    // Every text tagged with a question it does not answer (shuffled labels): nothing holds 95 %.
    const slugs = questions.map((q) => q.id);
    const shuffled = training.filter((x) => x.questionIds.length > 0).map((x, i) => ({ ...x, questionIds: [slugs[(i * 7 + 3) % slugs.length]!] }));
    const wrong = trainCalibratedTagModel(shuffled, questions);
    expect(wrong.confidentScore).toBeNull();
    const index = buildQuestionIndex(questions);
    expect(training.some((p) => suggestWithModel(index, wrong, p.text, p.lang).confident)).toBe(false);
    // A model stored before calibration existed (no threshold of its own) uses the default.
    const old = trainTagModel(training);
    expect(old.confidentScore).toBeUndefined();
    expect(training.some((p) => suggestWithModel(index, old, p.text, p.lang).confident)).toBe(true);
  });
});
