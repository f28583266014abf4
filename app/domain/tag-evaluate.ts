import { buildQuestionIndex, type MatchableQuestion, type MatchLanguage } from "./question-match";
import { DEFAULT_COMBINED, suggestWithModel, trainTagModel, type CombinedOptions, type TagModel, type TrainingExample } from "./tag-model";

/**
 * Honest figures for tag suggestions: k-fold cross-validation on the team's own tagged texts — each
 * text is scored by a model trained without it (and without its other-language twin, which says the
 * same thing) — and the confident threshold chosen for a precision on those held-out scores.
 */

export interface EvaluatedText extends TrainingExample {
  /** Texts of one pair share a group: they are always in the same fold. */
  group: string;
  /** Written without the question's usual words (when known). */
  paraphrase?: boolean;
}

export interface Evaluation {
  texts: number;
  tagged: number;
  top1: number;
  top3: number;
  /** Top-3 recall on texts marked as paraphrases, and on the others. */
  paraphraseTop3: number | null;
  keywordTop3: number | null;
  /** Of the confident suggestions, the share that were right (null: none was confident). */
  confidentPrecision: number | null;
  confidentCount: number;
  /** Confident suggestions on texts tagged with nothing. */
  confidentOnUntagged: number;
  /** Every held-out prediction: the best score and whether it was right (for choosing a threshold). */
  predictions: { best: number; right: boolean }[];
}

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

/** Scores every text with a model trained on the other folds. */
export function crossValidate(texts: readonly EvaluatedText[], questions: readonly MatchableQuestion[], k = 5, options: CombinedOptions = DEFAULT_COMBINED): Evaluation {
  const index = buildQuestionIndex(questions);
  const groups = [...new Set(texts.map((t) => t.group))].sort();
  const foldOf = new Map(groups.map((g, i) => [g, i % k]));
  let top1 = 0;
  let top3 = 0;
  let para = 0;
  let paraHit = 0;
  let plain = 0;
  let plainHit = 0;
  let confident = 0;
  let confidentRight = 0;
  let confidentOnUntagged = 0;
  const predictions: Evaluation["predictions"] = [];
  for (let fold = 0; fold < k; fold++) {
    const model = trainTagModel(texts.filter((t) => foldOf.get(t.group) !== fold));
    for (const t of texts.filter((x) => foldOf.get(x.group) === fold)) {
      const r = suggestWithModel(index, model, t.text, t.lang, options);
      const ids = r.suggestions.map((s) => s.id);
      const right = ids.length > 0 && t.questionIds.includes(ids[0]!);
      if (r.suggestions[0]) predictions.push({ best: r.suggestions[0].score, right });
      if (r.confident) {
        confident++;
        if (right) confidentRight++;
        if (t.questionIds.length === 0) confidentOnUntagged++;
      }
      if (t.questionIds.length === 0) continue;
      if (right) top1++;
      const hit = ids.some((id) => t.questionIds.includes(id));
      if (hit) top3++;
      if (t.paraphrase) {
        para++;
        if (hit) paraHit++;
      } else {
        plain++;
        if (hit) plainHit++;
      }
    }
  }
  const tagged = texts.filter((t) => t.questionIds.length > 0).length;
  return { texts: texts.length, tagged, top1: ratio(top1, tagged) ?? 0, top3: ratio(top3, tagged) ?? 0, paraphraseTop3: ratio(paraHit, para), keywordTop3: ratio(plainHit, plain), confidentPrecision: ratio(confidentRight, confident), confidentCount: confident, confidentOnUntagged, predictions };
}

/** The lowest best-score threshold whose held-out suggestions above it are right at least `precision` of the time (with at least 5 of them). */
export function confidentThreshold(predictions: readonly { best: number; right: boolean }[], precision = 0.95): number | null {
  const sorted = [...predictions].sort((a, b) => b.best - a.best);
  let right = 0;
  let chosen: number | null = null;
  sorted.forEach((p, i) => {
    if (p.right) right++;
    const next = sorted[i + 1];
    // Only between two different scores: a threshold cannot split equal ones.
    if ((!next || next.best < p.best) && i + 1 >= 5 && right / (i + 1) >= precision) chosen = p.best;
  });
  return chosen;
}

export interface CalibrationOptions {
  folds?: number;
  /** The precision confident suggestions must hold on held-out texts. */
  precision?: number;
  /** Items (pairs) the cross-validation looks at, at most: a larger history is sampled evenly, so training stays within seconds. */
  maxGroups?: number;
}

/**
 * Trains on every text, then chooses the model's confident threshold by k-fold cross-validation on
 * the same texts (at most `maxGroups` items, sampled evenly): the lowest best score whose held-out
 * suggestions were right at least `precision` of the time, counting suggestions on untagged texts
 * as wrong. A history too small to cross-validate keeps the default threshold; one where no
 * threshold held the precision gets none (no confident suggestion), rather than an unmeasured one.
 */
export function trainCalibratedTagModel(texts: readonly EvaluatedText[], questions: readonly MatchableQuestion[], options: CalibrationOptions = {}): TagModel {
  const { folds = 5, precision = 0.95, maxGroups = 1500 } = options;
  const model = trainTagModel(texts);
  const groups = [...new Set(texts.filter((t) => t.questionIds.length > 0).map((t) => t.group))].sort();
  if (groups.length < folds * 2) return model;
  const step = Math.max(1, groups.length / maxGroups);
  const kept = new Set<string>();
  for (let at = 0; at < groups.length && kept.size < maxGroups; at += step) kept.add(groups[Math.floor(at)]!);
  // Untagged texts (rejections only) stay in: they are where a confident suggestion is wrong.
  const sample = texts.filter((t) => kept.has(t.group) || t.questionIds.length === 0);
  const e = crossValidate(sample, questions, folds, DEFAULT_COMBINED);
  const threshold = confidentThreshold(e.predictions, precision);
  const above = threshold === null ? [] : e.predictions.filter((p) => p.best >= threshold);
  model.confidentScore = threshold;
  model.calibration = { folds, texts: sample.length, precision: above.length ? above.filter((p) => p.right).length / above.length : null, confident: above.length };
  return model;
}

/** The languages an evaluation covers, for reports. */
export const EVALUATED_LANGUAGES: readonly MatchLanguage[] = ["fr", "nl"];
