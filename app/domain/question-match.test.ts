import { describe, expect, it } from "vitest";
import { demoQuestions } from "../seed/demo-questions";
import { labelledPosts } from "../../test/fixtures/question-posts";
import { buildQuestionIndex, foldText, stem, suggestQuestions, type MatchableQuestion } from "./question-match";

const questions: MatchableQuestion[] = demoQuestions.map((q) => ({ id: q.slug, slug: q.slug, labelFr: q.fr, labelNl: q.nl, keywordsFr: q.keywordsFr, keywordsNl: q.keywordsNl }));
const index = buildQuestionIndex(questions);
const best = (text: string, lang: "fr" | "nl") => suggestQuestions(index, text, lang).suggestions[0]?.slug;

describe("folding and stems", () => {
  it.each([
    ["Remboursé", "rembourse"],
    ["ÉPARGNE-PENSION", "epargne-pension"],
    ["œuvre", "oeuvre"],
    ["Financiën", "financien"],
  ])("folds %s to %s", (word, folded) => expect(foldText(word)).toBe(folded));

  it.each([
    ["rembourse", "fr", "rembours"],
    ["remboursement", "fr", "rembours"],
    ["remboursements", "fr", "rembours"],
    ["rembourser", "fr", "rembours"],
    ["declaration", "fr", "declar"],
    ["declarez", "fr", "declar"],
    ["aangifte", "nl", "aangift"],
    ["aangiftes", "nl", "aangift"],
    ["terugbetaald", "nl", "terugbetal"],
    ["terugbetaling", "nl", "terugbetal"],
    ["terugbetalen", "nl", "terugbetal"],
    ["281.86", "fr", "281.86"],
  ] as const)("stems %s (%s) to %s", (word, lang, expected) => expect(stem(word, lang)).toBe(expected));
});

describe("suggestions", () => {
  it.each([
    ["fr", "Vous avez été remboursé ?", "remboursement-impot"],
    ["fr", "Les REMBOURSEMENTS arrivent", "remboursement-impot"],
    ["fr", "Declaration via tax on web", "declaration-tax-on-web"],
    ["fr", "Epargne pension : versez avant fin decembre", "epargne-pension"],
    ["nl", "Alle aangiftes zijn binnen", "declaration-tax-on-web"],
    ["nl", "Uw belastingaangifte online", "declaration-tax-on-web"],
    ["nl", "U wordt terugbetaald", "remboursement-impot"],
    ["nl", "Kinderopvangkosten aftrekken", "frais-de-garde"],
    ["nl", "PENSIOENSPAREN en uw belastingvermindering", "epargne-pension"],
  ] as const)("%s: %s → %s", (lang, text, slug) => expect(best(text, lang)).toBe(slug));

  it("says which words matched, as written", () => {
    const result = suggestQuestions(index, "Les Remboursements d'impôt arrivent", "fr");
    expect(result.suggestions[0]).toMatchObject({ slug: "remboursement-impot" });
    expect(result.suggestions[0]!.matched).toContain("Remboursements");
  });

  it("proposes nothing with confidence for a text about no listed question", () => {
    for (const [text, lang] of [
      ["Nous recrutons des informaticiens : postulez avant vendredi.", "fr"],
      ["Museumdag: gratis toegang tot het erfgoed dit weekend.", "nl"],
      ["", "fr"],
      ["😀 🎉 !!!", "nl"],
    ] as const) {
      expect(suggestQuestions(index, text, lang).confident).toBe(false);
    }
  });

  it("is deterministic and does not depend on the order of the list", () => {
    const reversed = buildQuestionIndex([...questions].reverse());
    for (const post of labelledPosts.slice(0, 40)) {
      expect(suggestQuestions(reversed, post.text, post.lang)).toEqual(suggestQuestions(index, post.text, post.lang));
    }
  });

  it("on the labelled set: top-3 recall at least 0.9 in each language, and no confident suggestion on posts about nothing listed", () => {
    for (const lang of ["fr", "nl"] as const) {
      const posts = labelledPosts.filter((p) => p.lang === lang);
      expect(posts.length).toBeGreaterThanOrEqual(60);
      const answering = posts.filter((p) => p.expected);
      expect(answering.filter((p) => p.paraphrase).length).toBeGreaterThanOrEqual(posts.length / 3 - 1);
      const found = answering.filter((p) => suggestQuestions(index, p.text, lang).suggestions.some((s) => s.slug === p.expected));
      expect(found.length / answering.length).toBeGreaterThanOrEqual(0.9);
      const falsePositives = posts.filter((p) => !p.expected && suggestQuestions(index, p.text, lang).confident);
      expect(falsePositives).toEqual([]);
    }
  });
});
