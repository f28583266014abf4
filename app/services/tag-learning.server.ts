import { performance } from "node:perf_hooks";
import { insertFeedback, latestModel, latestModelSummary, latestModelVersion, questionLearningStats, saveModel, trainingFingerprint, trainingRows } from "../../db/repositories/tag-learning";
import type { TagVerdict } from "../../db/schema";
import { buildQuestionIndex, suggestQuestions } from "../domain/question-match";
import { confidentThreshold, crossValidate, trainCalibratedTagModel, type EvaluatedText } from "../domain/tag-evaluate";
import { modelConfidence, type ModelConfidence, type TagModel } from "../domain/tag-model";
import { matchableQuestions } from "./questions.server";
import type { AppContext } from "./context.server";

/**
 * The tag model's life: trained in the process from the team's tags and feedback (no network, no
 * download), stored versioned in the database so that every web process and the API use the same
 * one, retrained when the tags, the tagged texts or the feedback changed (the `train-tags` job, and
 * at start). A process keeps the newest model in memory and checks its version at most every 30 s.
 */

/** A tagged text as training and evaluation take it: an item's two texts are one group (they leave a fold together). */
function asText(r: Awaited<ReturnType<typeof trainingRows>>[number]): EvaluatedText {
  return { lang: r.lang, text: r.text, questionIds: r.questionIds, rejectedIds: r.rejectedIds, group: r.itemId };
}

/** Trains and stores a new model if what it learns from changed since the newest one. */
export async function retrainIfChanged(ctx: AppContext, options: { force?: boolean } = {}): Promise<{ trained: boolean; version: number | null; examples: number; ms: number; confidentScore?: number | null }> {
  const [fingerprint, latest] = await Promise.all([trainingFingerprint(ctx.db), latestModel(ctx.db)]);
  if (!options.force && latest && latest.fingerprint === fingerprint) return { trained: false, version: latest.version, examples: latest.examples, ms: 0 };
  const [rows, questions] = await Promise.all([trainingRows(ctx.db), matchableQuestions(ctx)]);
  const examples = rows.map(asText);
  const started = performance.now();
  // Trained on everything; its confident threshold chosen by cross-validation on the same items.
  const model = trainCalibratedTagModel(examples, questions);
  const ms = Math.round(performance.now() - started);
  const version = await saveModel(ctx.db, { fingerprint, examples: examples.length, trainMs: ms, model });
  ctx.log.info("tag model trained", { version, examples: examples.length, ms, confidentScore: model.confidentScore ?? "default" });
  return { trained: true, version, examples: examples.length, ms, confidentScore: model.confidentScore };
}

/** Per database (a process has one; a test worker may meet several): the newest model, checked at most every 30 s. */
interface ModelCache {
  cached: { version: number; model: TagModel; checkedAt: number } | null;
  loading: Promise<TagModel | null> | null;
}
let caches = new WeakMap<AppContext["db"], ModelCache>();

/** The newest stored model (null before the first training), cached per process. */
export async function currentTagModel(ctx: AppContext): Promise<TagModel | null> {
  const c = caches.get(ctx.db) ?? { cached: null, loading: null };
  caches.set(ctx.db, c);
  const now = Date.now();
  if (c.cached && now - c.cached.checkedAt < 30_000) return c.cached.model;
  c.loading ??= (async () => {
    try {
      const version = await latestModelVersion(ctx.db);
      if (version === null) return null;
      if (c.cached && c.cached.version === version) {
        c.cached.checkedAt = now;
        return c.cached.model;
      }
      const latest = await latestModel(ctx.db);
      if (!latest) return null;
      c.cached = { version: latest.version, model: latest.model as TagModel, checkedAt: now };
      return c.cached.model;
    } finally {
      c.loading = null;
    }
  })();
  return await c.loading;
}

/** Forgets the cached models (tests, and right after a retraining in this process). */
export function forgetCachedTagModel(): void {
  caches = new WeakMap();
}

/**
 * What the editor did with the suggestions when an item was saved: suggestions kept as tags are
 * accepted, suggestions dismissed are rejected, tags nobody suggested are added.
 */
export async function recordTagFeedback(ctx: AppContext, input: { itemId: string; userId: string; tagIds: readonly string[]; suggested: readonly { id: string; lang: "fr" | "nl" }[]; rejected: readonly { id: string; lang: "fr" | "nl" }[]; sourceLanguage?: "fr" | "nl" }): Promise<void> {
  const rows: { itemId: string; questionId: string; language: "fr" | "nl"; verdict: TagVerdict; userId: string | null }[] = [];
  const tags = new Set(input.tagIds);
  const suggestedIds = new Set(input.suggested.map((s) => s.id));
  for (const s of input.suggested) if (tags.has(s.id)) rows.push({ itemId: input.itemId, questionId: s.id, language: s.lang, verdict: "accepted", userId: input.userId });
  for (const r of input.rejected) if (!tags.has(r.id)) rows.push({ itemId: input.itemId, questionId: r.id, language: r.lang, verdict: "rejected", userId: input.userId });
  for (const id of tags) if (!suggestedIds.has(id)) rows.push({ itemId: input.itemId, questionId: id, language: input.sourceLanguage ?? "fr", verdict: "added", userId: input.userId });
  await insertFeedback(ctx.db, rows);
}

/** For the questions page: each question's tagged items and the verdicts on its suggestions in the last 90 days, and the model in use. */
export interface ModelSummary {
  version: number;
  examples: number;
  trainedAt: string;
  confidence: ModelConfidence;
}

export async function learningSummary(ctx: AppContext): Promise<{ stats: Record<string, { examples: number; accepted: number; rejected: number; added: number }>; model: ModelSummary | null }> {
  const [stats, latest] = await Promise.all([questionLearningStats(ctx.db, new Date(ctx.now().getTime() - 90 * 86_400_000)), latestModelSummary(ctx.db)]);
  const model = latest ? { version: latest.version, examples: latest.examples, trainedAt: latest.trainedAt.toISOString(), confidence: modelConfidence(latest) } : null;
  return { stats: Object.fromEntries(stats), model };
}

export interface TeamEvaluation {
  pairs: number;
  texts: number;
  folds: number;
  top1: number;
  top3: number;
  /** Texts the keywords alone find (top 3), and the others ("paraphrases"). */
  keywordTop3: number | null;
  paraphraseTop3: number | null;
  keywordTexts: number;
  paraphraseTexts: number;
  confidentPrecision: number | null;
  confidentCount: number;
  /** The best-score threshold that held 95 % precision on held-out texts. */
  threshold95: number | null;
}

/**
 * k-fold cross-validation on the team's own tagged pairs: each text is scored by a model trained
 * without its item (both language versions leave together), so no text is scored by a model that
 * saw it. A text counts as a paraphrase when the keywords alone do not find its question.
 */
export async function evaluateTeamTagging(ctx: AppContext, folds = 5): Promise<TeamEvaluation | null> {
  const [rows, questions] = await Promise.all([trainingRows(ctx.db), matchableQuestions(ctx)]);
  const tagged = rows.filter((r) => r.questionIds.length > 0);
  const pairs = new Set(tagged.map((r) => r.itemId)).size;
  if (pairs < folds * 2) return null;
  const index = buildQuestionIndex(questions);
  const texts = rows.map((r) => ({ ...asText(r), paraphrase: r.questionIds.length > 0 && !suggestQuestions(index, r.text, r.lang).suggestions.some((s) => r.questionIds.includes(s.id)) }));
  const e = crossValidate(texts, questions, folds);
  return {
    pairs,
    texts: e.texts,
    folds,
    top1: e.top1,
    top3: e.top3,
    keywordTop3: e.keywordTop3,
    paraphraseTop3: e.paraphraseTop3,
    keywordTexts: texts.filter((t) => t.questionIds.length > 0 && !t.paraphrase).length,
    paraphraseTexts: texts.filter((t) => t.paraphrase).length,
    confidentPrecision: e.confidentPrecision,
    confidentCount: e.confidentCount,
    threshold95: confidentThreshold(e.predictions, 0.95),
  };
}
