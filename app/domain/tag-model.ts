import { suggestQuestions, tokenize, type MatchLanguage, type QuestionIndex, type SuggestionResult } from "./question-match";
import { pushTo } from "./collections";

/**
 * What the team's own tagging teaches: for each language, each question's telling features (word
 * stems and the 4-letter pieces of those stems, which carry compounds and inflections) weighed by
 * how much more often they appear in texts tagged with the question than in the others — a
 * smoothed log-odds ratio, the weight a naive Bayes classifier gives a feature, kept only where it
 * is positive. A text's learned score for a question is the sum of its features' weights, so every
 * score explains itself (the features that carried it). Rejected suggestions count against a
 * question: the features of a text in which the editor removed it weigh down its score for similar
 * texts. Pure and browser-safe: trained in the server process, applied in the editor and the API.
 *
 * A tag on an item teaches both languages: the French text trains the French model and the Dutch
 * text the Dutch one, so tagged French posts improve Dutch suggestions through their pairs.
 */

export interface TrainingExample {
  lang: MatchLanguage;
  text: string;
  questionIds: readonly string[];
  /** Questions the editor removed from this text after they were suggested. */
  rejectedIds?: readonly string[];
}

export interface LanguageModel {
  /** Texts trained on. */
  examples: number;
  /** By question id: its examples and its telling features' weights. */
  questions: Record<string, { examples: number; weights: Record<string, number> }>;
  /** By question id: features of the texts it was rejected from, with their weights. */
  rejected: Record<string, Record<string, number>>;
}

export interface TagModel {
  languages: Record<MatchLanguage, LanguageModel>;
  /**
   * The combined score at or above which this model's best suggestion is confident, chosen when it
   * was trained by cross-validation on the same texts (tag-evaluate.ts, trainCalibratedTagModel):
   * the lowest that held the wanted precision on held-out texts. null: none held it, so nothing is
   * confident; absent: too few texts to measure, so the default applies.
   */
  confidentScore?: number | null;
  /** How the threshold was measured, for the questions page. */
  calibration?: Calibration;
}

export interface Calibration {
  folds: number;
  /** Texts the cross-validation scored. */
  texts: number;
  /** Of the held-out suggestions at or above the threshold, the share that were right. */
  precision: number | null;
  /** How many held-out suggestions were at or above the threshold. */
  confident: number;
}

/** What "confident" means for a model, as the questions page says it: a measured threshold, none held, or the default (too few items). */
export type ModelConfidence =
  | { kind: "calibrated"; score: number; precision: number | null; confident: number; texts: number }
  | { kind: "none"; texts: number }
  | { kind: "default" };

export function modelConfidence(model: Pick<TagModel, "confidentScore" | "calibration">): ModelConfidence {
  if (model.confidentScore === undefined) return { kind: "default" };
  const texts = model.calibration?.texts ?? 0;
  if (model.confidentScore === null) return { kind: "none", texts };
  return { kind: "calibrated", score: model.confidentScore, precision: model.calibration?.precision ?? null, confident: model.calibration?.confident ?? 0, texts };
}

/** Smoothing of the feature counts (add-α). */
const ALPHA = 0.5;
/** Features kept per question: the heaviest ones. */
const KEEP = 250;
/** A feature must appear in at least this many of a question's texts to count (one text says little). */
const MIN_SUPPORT = 1;
/** The pieces of a stem are worth less than the stem itself. */
const PIECE_WEIGHT = 0.25;
const PIECE = 4;

/** A text's features: its stems ("w:…") and the 4-letter pieces of each stem ("g:…"), each once. */
export function features(text: string, lang: MatchLanguage): Set<string> {
  const out = new Set<string>();
  for (const { stem } of tokenize(text, lang)) {
    if (stem.length < 2) continue;
    out.add(`w:${stem}`);
    const padded = `^${stem}$`;
    if (padded.length > PIECE + 1) for (let i = 0; i + PIECE <= padded.length; i++) out.add(`g:${padded.slice(i, i + PIECE)}`);
  }
  return out;
}

function trainLanguage(examples: readonly TrainingExample[]): LanguageModel {
  const docs = examples.map((e) => ({ f: features(e.text, e.lang), q: new Set(e.questionIds), r: new Set(e.rejectedIds ?? []) }));
  const total = new Map<string, number>();
  for (const d of docs) for (const f of d.f) total.set(f, (total.get(f) ?? 0) + 1);
  const questionIds = [...new Set(docs.flatMap((d) => [...d.q, ...d.r]))].sort();
  const model: LanguageModel = { examples: docs.length, questions: {}, rejected: {} };
  const weigh = (inside: Map<string, number>, n: number): Record<string, number> => {
    const rest = docs.length - n;
    const weights: [string, number][] = [];
    for (const [f, k] of inside) {
      if (k < MIN_SUPPORT) continue;
      const pIn = (k + ALPHA) / (n + 2 * ALPHA);
      const pOut = ((total.get(f) ?? 0) - k + ALPHA) / (rest + 2 * ALPHA);
      const w = Math.log(pIn / pOut) * (f.startsWith("g:") ? PIECE_WEIGHT : 1);
      if (w > 0) weights.push([f, Math.round(w * 1000) / 1000]);
    }
    weights.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return Object.fromEntries(weights.slice(0, KEEP));
  };
  for (const id of questionIds) {
    const tagged = docs.filter((d) => d.q.has(id));
    if (tagged.length > 0) {
      const counts = new Map<string, number>();
      for (const d of tagged) for (const f of d.f) counts.set(f, (counts.get(f) ?? 0) + 1);
      model.questions[id] = { examples: tagged.length, weights: weigh(counts, tagged.length) };
    }
    const rejected = docs.filter((d) => d.r.has(id) && !d.q.has(id));
    if (rejected.length > 0) {
      const counts = new Map<string, number>();
      for (const d of rejected) for (const f of d.f) counts.set(f, (counts.get(f) ?? 0) + 1);
      model.rejected[id] = weigh(counts, rejected.length);
    }
  }
  return model;
}

/** Trains both languages' models from the team's tagged texts (each language version is one example). */
export function trainTagModel(examples: readonly TrainingExample[]): TagModel {
  return { languages: { fr: trainLanguage(examples.filter((e) => e.lang === "fr")), nl: trainLanguage(examples.filter((e) => e.lang === "nl")) } };
}

/** Feature → the questions it speaks for (and against), built once per model: a text is scored by its own features only. */
interface Postings {
  positive: Map<string, [string, number][]>;
  negative: Map<string, [string, number][]>;
}
const postingsCache = new WeakMap<LanguageModel, Postings>();

function postingsOf(m: LanguageModel): Postings {
  let p = postingsCache.get(m);
  if (p) return p;
  p = { positive: new Map(), negative: new Map() };
  for (const [id, q] of Object.entries(m.questions)) for (const [f, w] of Object.entries(q.weights)) pushTo(p.positive, f, [id, w]);
  for (const [id, weights] of Object.entries(m.rejected)) for (const [f, w] of Object.entries(weights)) pushTo(p.negative, f, [id, w]);
  postingsCache.set(m, p);
  return p;
}

/** Each question's learned score for a text, with the features that carried it (heaviest first). */
export function learnedScores(model: TagModel, text: string, lang: MatchLanguage): Map<string, { score: number; evidence: string[] }> {
  const postings = postingsOf(model.languages[lang]);
  const sums = new Map<string, { score: number; evidence: [string, number][] }>();
  for (const feature of features(text, lang)) {
    for (const [id, w] of postings.positive.get(feature) ?? []) {
      const s = sums.get(id) ?? { score: 0, evidence: [] };
      s.score += w;
      if (feature.startsWith("w:")) s.evidence.push([feature.slice(2), w]);
      sums.set(id, s);
    }
    for (const [id, w] of postings.negative.get(feature) ?? []) {
      const s = sums.get(id) ?? { score: 0, evidence: [] };
      s.score -= w * 0.5;
      sums.set(id, s);
    }
  }
  const out = new Map<string, { score: number; evidence: string[] }>();
  for (const [id, s] of sums) if (s.score > 0) out.set(id, { score: s.score, evidence: s.evidence.sort((a, b) => b[1] - a[1]).map(([w]) => w) });
  return out;
}

export interface CombinedOptions {
  /** How much a learned point weighs against a keyword point. */
  learnedWeight: number;
  /** The combined score at or above which the best suggestion is confident. */
  confidentScore: number;
  /** Combined scores below this are not suggested. */
  minScore: number;
}

/**
 * Chosen by cross-validation on the training part only (npm run tags:evaluate; docs/questions.md).
 * `confidentScore` is the fallback for a model too small to calibrate its own.
 */
export const DEFAULT_COMBINED: CombinedOptions = { learnedWeight: 0.06, confidentScore: 1.8, minScore: 0.3 };

/**
 * Keywords and learning together: a question with no history is still found by its keywords, one
 * with history by what the team actually wrote. `matched` lists the keywords found, then the
 * learned words that weighed most.
 */
export function suggestWithModel(index: QuestionIndex, model: TagModel | null, text: string, lang: MatchLanguage, options: CombinedOptions = DEFAULT_COMBINED, limit = 3): SuggestionResult {
  const keyword = suggestQuestions(index, text, lang, index.questions.length);
  if (!model) return { suggestions: keyword.suggestions.slice(0, limit), confident: keyword.confident };
  const learned = learnedScores(model, text, lang);
  const byId = new Map(index.questions.map((q) => [q.id, q]));
  const combined = new Map<string, { score: number; matched: string[] }>();
  for (const s of keyword.suggestions) combined.set(s.id, { score: s.score, matched: [...s.matched] });
  for (const [id, l] of learned) {
    if (!byId.has(id)) continue;
    const c = combined.get(id) ?? { score: 0, matched: [] };
    c.score += options.learnedWeight * l.score;
    for (const w of l.evidence.slice(0, 3)) if (!c.matched.some((m) => m.toLowerCase().startsWith(w))) c.matched.push(w);
    combined.set(id, c);
  }
  const ranked = [...combined.entries()]
    .filter(([, c]) => c.score >= options.minScore)
    .sort((a, b) => b[1].score - a[1].score || (byId.get(a[0])!.slug < byId.get(b[0])!.slug ? -1 : 1))
    .slice(0, limit);
  const confidentAt = model.confidentScore === undefined ? options.confidentScore : model.confidentScore;
  return {
    suggestions: ranked.map(([id, c]) => ({ id, slug: byId.get(id)!.slug, score: Math.round(c.score * 100) / 100, matched: c.matched })),
    confident: confidentAt !== null && ranked.length > 0 && ranked[0]![1].score >= confidentAt,
  };
}
