import { buildQuestionIndex, suggestQuestions, type MatchableQuestion } from "../../app/domain/question-match";
import { demoQuestions } from "../../db/seed/demo-questions";
import { labelledPosts } from "../fixtures/question-posts";
import { percentile, report } from "./report";

const demo: MatchableQuestion[] = demoQuestions.map((q) => ({ id: q.slug, slug: q.slug, labelFr: q.fr, labelNl: q.nl, keywordsFr: q.keywordsFr, keywordsNl: q.keywordsNl }));

/** 180 more questions in the same shape, so that the list holds 200: words a tax administration's FAQ uses. */
function filler(): MatchableQuestion[] {
  const fr = ["cadastre", "succession", "donation", "enregistrement", "accises", "carburant", "tabac", "alcool", "véhicule", "immatriculation", "revenu cadastral", "précompte", "loyer", "emprunt", "habitation", "isolation", "pompe à chaleur", "voiture de société", "télétravail", "frontalier", "pension alimentaire", "cohabitant", "veuvage", "handicap", "chômage", "mutuelle", "intérêts", "dividendes", "crypto", "bourse"];
  const nl = ["kadaster", "erfenis", "schenking", "registratie", "accijnzen", "brandstof", "tabak", "alcohol", "voertuig", "inschrijving", "kadastraal inkomen", "voorheffing", "huur", "lening", "woning", "isolatie", "warmtepomp", "bedrijfswagen", "telewerk", "grensarbeider", "onderhoudsgeld", "samenwonende", "weduwschap", "handicap", "werkloosheid", "ziekenfonds", "interesten", "dividenden", "crypto", "beurs"];
  const out: MatchableQuestion[] = [];
  for (let i = 0; i < 180; i++) {
    const a = i % fr.length;
    const b = (i * 7 + 3) % fr.length;
    out.push({ id: `filler-${i}`, slug: `filler-${i}`, labelFr: `Question ${i} sur ${fr[a]} et ${fr[b]}`, labelNl: `Vraag ${i} over ${nl[a]} en ${nl[b]}`, keywordsFr: [fr[a]!, `${fr[a]} ${fr[b]}`], keywordsNl: [nl[a]!, `${nl[a]} ${nl[b]}`] });
  }
  return out;
}

/**
 * Suggestions: top-3 recall and false positives on the labelled set (the demo list of questions),
 * and the time of one suggestion with 200 questions.
 */
export function run(): Promise<void> {
  const index = buildQuestionIndex(demo);
  for (const lang of ["fr", "nl"] as const) {
    const posts = labelledPosts.filter((p) => p.lang === lang);
    const answering = posts.filter((p) => p.expected);
    const hits = answering.filter((p) => suggestQuestions(index, p.text, lang).suggestions.some((s) => s.slug === p.expected)).length;
    const paraphrases = answering.filter((p) => p.paraphrase);
    const paraphraseHits = paraphrases.filter((p) => suggestQuestions(index, p.text, lang).suggestions.some((s) => s.slug === p.expected)).length;
    const falsePositives = posts.filter((p) => !p.expected && suggestQuestions(index, p.text, lang).confident).length;
    report(`questions.${lang}_posts`, posts.length, "posts");
    report(`questions.${lang}_top3_recall`, hits / answering.length, "ratio");
    report(`questions.${lang}_paraphrase_top3_recall`, paraphraseHits / paraphrases.length, "ratio");
    report(`questions.${lang}_confident_false_positives`, falsePositives, "posts");
  }
  const all = labelledPosts.filter((p) => p.expected);
  report("questions.top3_recall", all.filter((p) => suggestQuestions(index, p.text, p.lang).suggestions.some((s) => s.slug === p.expected)).length / all.length, "ratio");
  report("questions.confident_false_positives", labelledPosts.filter((p) => !p.expected && suggestQuestions(index, p.text, p.lang).confident).length, "posts");

  const big = [...demo, ...filler()];
  const t0 = performance.now();
  const bigIndex = buildQuestionIndex(big);
  report("questions.index_build_200", performance.now() - t0, "ms");
  report("questions.list_size", big.length, "questions");
  for (let i = 0; i < 200; i++) suggestQuestions(bigIndex, labelledPosts[i % labelledPosts.length]!.text, labelledPosts[i % labelledPosts.length]!.lang);
  const times: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const post of labelledPosts) {
      const start = performance.now();
      suggestQuestions(bigIndex, post.text, post.lang);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  report("questions.suggest_200_p50", percentile(times, 50), "ms");
  report("questions.suggest_200_p99", percentile(times, 99), "ms");
  report("questions.suggest_200_max", times[times.length - 1]!, "ms");
  return Promise.resolve();
}
