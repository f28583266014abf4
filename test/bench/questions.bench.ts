import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { buildQuestionIndex, type MatchableQuestion } from "../../app/domain/question-match";
import { trainCalibratedTagModel } from "../../app/domain/tag-evaluate";
import { suggestWithModel, trainTagModel, type TagModel, type TrainingExample } from "../../app/domain/tag-model";
import { demoQuestions } from "../../app/seed/demo-questions";
import { labelledPosts, type LabelledPost } from "../fixtures/question-posts";
import { historyTexts } from "../fixtures/question-history";
import { testPosts } from "../fixtures/question-test-posts";
import { testPosts2 } from "../fixtures/question-test-posts-2";
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

/** 5,000 synthetic tagged pairs over 200 questions (timing only: words drawn from each question's own vocabulary and common ones). */
function syntheticPairs(questions: readonly MatchableQuestion[], n: number): TrainingExample[] {
  const common = { fr: "votre nous pour avec cette année dans les des une vous est plus faire demande service ligne compte".split(" "), nl: "uw wij voor met dit jaar in de het een u is meer doen aanvraag dienst online rekening".split(" ") };
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: TrainingExample[] = [];
  for (let i = 0; i < n; i++) {
    const q = questions[i % questions.length]!;
    for (const lang of ["fr", "nl"] as const) {
      const own = Array.from({ length: 3 }, (_, k) => `${q.slug.replace(/[^a-z]/g, "")}${lang}${Math.floor(next() * 8) + k}`);
      const words = [...own, ...Array.from({ length: 9 }, () => common[lang][Math.floor(next() * common[lang].length)]!)];
      out.push({ lang, text: words.sort(() => next() - 0.5).join(" "), questionIds: [q.id] });
    }
  }
  return out;
}

/**
 * Tag suggestions as an installation with a season of tagging has them: the model trained (and its
 * confident threshold calibrated) on the labelled set's training part and the history pairs, a few
 * hundred French/Dutch pairs; scored on the SECOND test part (test/fixtures/question-test-posts-2.ts,
 * written before that history and never tuned on): top-3 recall overall and on paraphrases, the
 * precision of confident suggestions, confident suggestions on unrelated posts, and the keywords
 * alone for comparison. The first test part's figures follow under `questions.test_part1.*` (it
 * was read while the model was built, so it may flatter it). Then training 5,000 pairs, one
 * suggestion with 200 questions and that model, and the browser bundle the editor's code adds.
 */
export async function run(): Promise<void> {
  const index = buildQuestionIndex(demo);
  const season = [
    ...labelledPosts.map((p, i) => ({ lang: p.lang, text: p.text, questionIds: p.expected ? [p.expected] : [], group: `p${i}` })),
    ...historyTexts(),
  ];
  const model = trainCalibratedTagModel(season, demo);
  report("questions.training_texts", season.length, "texts");
  report("questions.confident_threshold", model.confidentScore ?? -1, "score");
  const score = (prefix: string, posts: readonly LabelledPost[]) => {
    const answering = posts.filter((p) => p.expected);
    const paraphrases = answering.filter((p) => p.paraphrase);
    const found = (p: LabelledPost, m: TagModel | null) => suggestWithModel(index, m, p.text, p.lang).suggestions.some((s) => s.slug === p.expected);
    report(`${prefix}test_posts`, posts.length, "posts");
    report(`${prefix}top3_recall`, answering.filter((p) => found(p, model)).length / answering.length, "ratio");
    report(`${prefix}paraphrase_top3_recall`, paraphrases.filter((p) => found(p, model)).length / paraphrases.length, "ratio");
    const confident = posts.map((p) => ({ p, r: suggestWithModel(index, model, p.text, p.lang) })).filter((x) => x.r.confident);
    report(`${prefix}confident_precision`, confident.filter((x) => x.r.suggestions[0]!.slug === x.p.expected).length / Math.max(1, confident.length), "ratio");
    report(`${prefix}confident_count`, confident.length, "posts");
    report(`${prefix}confident_on_unrelated`, confident.filter((x) => !x.p.expected).length, "posts");
    report(`${prefix}keywords_only_top3_recall`, answering.filter((p) => found(p, null)).length / answering.length, "ratio");
    report(`${prefix}keywords_only_paraphrase_top3_recall`, paraphrases.filter((p) => found(p, null)).length / paraphrases.length, "ratio");
  };
  score("questions.", testPosts2);
  score("questions.test_part1.", testPosts);

  const big = [...demo, ...filler()];
  const pairs = syntheticPairs(big, 5000);
  // As the train-tags job does it: trained, then its confident threshold calibrated by cross-validation.
  const t0 = performance.now();
  const bigModel = trainCalibratedTagModel(pairs.map((p, i) => ({ ...p, group: `s${Math.floor(i / 2)}` })), big);
  report("questions.train_5000_pairs_s", Number(((performance.now() - t0) / 1000).toFixed(2)), "s");
  const t1 = performance.now();
  trainTagModel(pairs);
  report("questions.train_5000_pairs_uncalibrated_s", Number(((performance.now() - t1) / 1000).toFixed(2)), "s");
  report("questions.model_json_kb", Math.round(JSON.stringify(bigModel).length / 1024), "KB");
  const bigIndex = buildQuestionIndex(big);
  report("questions.list_size", big.length, "questions");
  const posts = [...labelledPosts, ...testPosts, ...testPosts2];
  for (let i = 0; i < 200; i++) suggestWithModel(bigIndex, bigModel, posts[i % posts.length]!.text, posts[i % posts.length]!.lang);
  const times: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (const post of posts) {
      const start = performance.now();
      suggestWithModel(bigIndex, bigModel, post.text, post.lang);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  report("questions.suggest_p50_ms", Number(percentile(times, 50).toFixed(3)), "ms");
  report("questions.suggest_p99_ms", Number(percentile(times, 99).toFixed(3)), "ms");

  // What the editor's suggestion code adds to the browser bundle (minified, gzipped).
  const built = await build({ stdin: { contents: 'export { buildQuestionIndex, suggestQuestions } from "./app/domain/question-match";', resolveDir: process.cwd(), loader: "ts" }, bundle: true, minify: true, write: false, platform: "browser", format: "esm" });
  report("questions.suggest_bundle_gzip_kb", Number((gzipSync(built.outputFiles[0]!.contents).length / 1024).toFixed(1)), "KB");
}
