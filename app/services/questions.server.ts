import { z } from "zod";
import {
  findRecurringQuestion,
  lastCoveredDates,
  listRecurringQuestions,
  questionPostCounts,
  slugTaken,
  updateRecurringQuestion,
  upsertQuestionVolumes,
  upsertRecurringQuestion,
  volumesForMonth,
} from "../../db/repositories/recurring-questions";
import type { RecurringQuestion, User } from "../../db/schema";
import { parseCsv, toCsv } from "../domain/csv";
import { findPersonalData, type PersonalDataKind } from "../domain/personal-data";
import { can } from "../domain/permissions";
import { buildQuestionIndex, type MatchLanguage, type QuestionIndex, type SuggestionResult } from "../domain/question-match";
import { suggestWithModel } from "../domain/tag-model";
import { currentTagModel } from "./tag-learning.server";
import { questionCoverage, rankGapQuestions, type QuestionCoverageRow } from "../domain/question-coverage";
import { brusselsMonthRange, resolveLocalTime } from "../domain/time/brussels";
import type { MessageKey } from "../i18n";
import { actorOf, audit, type Actor } from "./audit.server";
import type { AppContext } from "./context.server";
import { toFieldErrors, type FieldErrors } from "./validation.server";

/** One problem in an imported file: its row (1 = the first question; in CSV, the file's line) and field. */
export interface ImportError {
  row: number;
  field: string;
  key: MessageKey;
  params?: Record<string, string | number>;
}

const text = (max: number) =>
  z
    .string({ message: "validation.required" })
    .max(max, "validation.tooLong")
    .transform((s) => s.normalize("NFC").trim())
    .pipe(z.string().min(1, "validation.required"));
const keywords = z.array(text(80), { message: "questions.error.keywords" }).max(50, "validation.tooLong");
const url = z
  .string()
  .max(500, "validation.tooLong")
  .refine((s) => /^https?:\/\/[^\s]+$/.test(s), "questions.error.url");
const optionalUrl = z.union([url, z.literal("").transform(() => null), z.null()]).optional();
const optionalAnswer = z
  .union([z.string().max(400, "validation.tooLong").transform((s) => s.normalize("NFC").trim() || null), z.null()])
  .optional();
const volume = z.number({ message: "questions.error.volume" }).int("questions.error.volume").min(0, "questions.error.volume").max(10_000_000, "questions.error.volume");

/** The import and export form of a question: exactly the documented JSON keys. */
export const questionFileRow = z
  .object({
    slug: z.string({ message: "validation.required" }).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "questions.error.slug").max(80, "validation.tooLong"),
    fr: text(300),
    nl: text(300),
    keywords_fr: keywords,
    keywords_nl: keywords,
    volume: volume.optional(),
    url_fr: optionalUrl,
    url_nl: optionalUrl,
    answer_fr: optionalAnswer,
    answer_nl: optionalAnswer,
  })
  .strict();
export type QuestionFileRow = z.infer<typeof questionFileRow>;

type ParseResult = { ok: true; rows: QuestionFileRow[] } | { ok: false; errors: ImportError[] };

function validateRows(raw: readonly unknown[], rowNumber: (index: number) => number): ParseResult {
  const errors: ImportError[] = [];
  const rows: QuestionFileRow[] = [];
  const seen = new Map<string, number>();
  raw.forEach((value, index) => {
    const parsed = questionFileRow.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === "unrecognized_keys") {
          for (const key of issue.keys) errors.push({ row: rowNumber(index), field: key, key: "questions.error.unknownField" });
          continue;
        }
        const fieldErrors = toFieldErrors(new z.ZodError([issue]));
        for (const [field, e] of Object.entries(fieldErrors)) errors.push({ row: rowNumber(index), field: field === "_form" ? "" : field, key: e.key, params: e.params });
      }
      return;
    }
    const first = seen.get(parsed.data.slug);
    if (first !== undefined) errors.push({ row: rowNumber(index), field: "slug", key: "questions.error.duplicate", params: { row: first } });
    else seen.set(parsed.data.slug, rowNumber(index));
    rows.push(parsed.data);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rows };
}

/** The JSON form: an array of {"slug", "fr", "nl", "keywords_fr", "keywords_nl"} with optional "volume", "url_fr", "url_nl". */
export function parseQuestionsJson(input: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(input.replace(/^\uFEFF/, ""));
  } catch {
    return { ok: false, errors: [{ row: 0, field: "", key: "questions.error.notJson" }] };
  }
  if (!Array.isArray(data)) return { ok: false, errors: [{ row: 0, field: "", key: "questions.error.notArray" }] };
  if (data.length > 2_000) return { ok: false, errors: [{ row: 0, field: "", key: "questions.error.tooMany", params: { max: 2000 } }] };
  return validateRows(data, (i) => i + 1);
}

const CSV_COLUMNS = ["slug", "fr", "nl", "keywords_fr", "keywords_nl", "volume", "url_fr", "url_nl", "answer_fr", "answer_nl"] as const;

/** The CSV form: the same columns, keywords separated by "|", one question per line after the header. */
export function parseQuestionsCsv(input: string): ParseResult {
  const lines = parseCsv(input);
  if (lines.length === 0) return { ok: false, errors: [{ row: 1, field: "", key: "questions.error.noHeader" }] };
  const header = lines[0]!.map((h) => h.trim().toLowerCase());
  const errors: ImportError[] = [];
  for (const required of ["slug", "fr", "nl", "keywords_fr", "keywords_nl"]) if (!header.includes(required)) errors.push({ row: 1, field: required, key: "questions.error.missingColumn" });
  for (const h of header) if (!(CSV_COLUMNS as readonly string[]).includes(h)) errors.push({ row: 1, field: h, key: "questions.error.unknownField" });
  if (errors.length > 0) return { ok: false, errors };
  if (lines.length - 1 > 2_000) return { ok: false, errors: [{ row: 0, field: "", key: "questions.error.tooMany", params: { max: 2000 } }] };
  const raw = lines.slice(1).map((cells) => {
    const get = (name: string) => cells[header.indexOf(name)]?.trim() ?? "";
    const list = (name: string) =>
      get(name)
        .split("|")
        .map((k) => k.trim())
        .filter((k) => k !== "");
    const row: Record<string, unknown> = { slug: get("slug"), fr: get("fr"), nl: get("nl"), keywords_fr: list("keywords_fr"), keywords_nl: list("keywords_nl") };
    if (header.includes("volume") && get("volume") !== "") row.volume = /^\d+$/.test(get("volume")) ? Number(get("volume")) : get("volume");
    if (header.includes("url_fr")) row.url_fr = get("url_fr");
    if (header.includes("url_nl")) row.url_nl = get("url_nl");
    if (header.includes("answer_fr")) row.answer_fr = get("answer_fr");
    if (header.includes("answer_nl")) row.answer_nl = get("answer_nl");
    return row;
  });
  // Line numbers as a spreadsheet shows them: the header is line 1.
  return validateRows(raw, (i) => i + 2);
}

function toFileRow(q: RecurringQuestion): QuestionFileRow {
  return { slug: q.slug, fr: q.label_fr, nl: q.label_nl, keywords_fr: q.keywords_fr, keywords_nl: q.keywords_nl, volume: q.monthly_volume, url_fr: q.url_fr, url_nl: q.url_nl, answer_fr: q.answer_fr, answer_nl: q.answer_nl };
}

/** Every question in the import's own form, with its active flag (the API's answer). */
export async function questionsInFileForm(ctx: AppContext): Promise<(QuestionFileRow & { active: boolean })[]> {
  return (await listRecurringQuestions(ctx.db)).map((q) => ({ ...toFileRow(q), active: q.active }));
}

export async function exportQuestionsJson(ctx: AppContext): Promise<string> {
  return `${JSON.stringify((await listRecurringQuestions(ctx.db)).map(toFileRow), null, 2)}\n`;
}

export async function exportQuestionsCsv(ctx: AppContext, separator: "," | ";" = ","): Promise<string> {
  const rows = (await listRecurringQuestions(ctx.db)).map((q) => {
    const row = toFileRow(q);
    return CSV_COLUMNS.map((column) => {
      const value = row[column];
      return Array.isArray(value) ? value.join(" | ") : value;
    });
  });
  return toCsv(CSV_COLUMNS, rows, separator);
}

/** Which form a file of questions is in: by its name, else by its first character. */
export function questionFileFormat(name: string, content: string): "json" | "csv" {
  if (/\.json$/i.test(name)) return "json";
  if (/\.csv$/i.test(name)) return "csv";
  return content.trimStart().startsWith("[") ? "json" : "csv";
}

export type ImportResult = { ok: true; created: number; updated: number } | { ok: false; errors: ImportError[] };

/**
 * Imports a whole file of questions, JSON or CSV: validated whole first, then written in one
 * transaction. A slug that exists is updated; any bad row rejects the file and nothing is written.
 */
export async function importQuestions(ctx: AppContext, user: User, input: { format: "json" | "csv"; content: string }): Promise<ImportResult> {
  if (!can(user.roles, "questions.manage")) return { ok: false, errors: [{ row: 0, field: "", key: "error.forbidden.body" }] };
  return await importQuestionsAs(ctx, actorOf(user), input);
}

/** The same import for an operator at the command line (`npm run questions:import`), audited under `actor`. */
export async function importQuestionsAs(ctx: AppContext, actor: Actor, input: { format: "json" | "csv"; content: string }): Promise<ImportResult> {
  const parsed = input.format === "json" ? parseQuestionsJson(input.content) : parseQuestionsCsv(input.content);
  if (!parsed.ok) return parsed;
  return await ctx.db.transaction().execute(async (tx) => {
    const existing = new Set((await listRecurringQuestions(tx)).map((q) => q.slug));
    let created = 0;
    for (const row of parsed.rows) {
      if (!existing.has(row.slug)) created++;
      await upsertRecurringQuestion(tx, {
        slug: row.slug,
        label_fr: row.fr,
        label_nl: row.nl,
        keywords_fr: row.keywords_fr,
        keywords_nl: row.keywords_nl,
        monthly_volume: row.volume ?? 0,
        url_fr: row.url_fr ?? null,
        url_nl: row.url_nl ?? null,
        // A file without the answer columns (an older export) keeps the answers as they are.
        ...(row.answer_fr !== undefined || row.answer_nl !== undefined ? { answer_fr: row.answer_fr ?? null, answer_nl: row.answer_nl ?? null } : {}),
      });
    }
    await audit(tx, actor, {
      action: "questions.imported",
      subjectType: "recurring_question",
      subjectId: null,
      after: { format: input.format, slugs: parsed.rows.map((r) => r.slug), created, updated: parsed.rows.length - created },
    });
    return { ok: true as const, created, updated: parsed.rows.length - created };
  });
}

const formQuestion = z.object({
  id: z.string().uuid().optional().or(z.literal("").transform(() => undefined)),
  version: z.coerce.number().int().min(1).optional(),
  slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "questions.error.slug").max(80, "validation.tooLong"),
  fr: text(300),
  nl: text(300),
  // One keyword per line, or separated by commas.
  keywordsFr: z.string().max(5000, "validation.tooLong"),
  keywordsNl: z.string().max(5000, "validation.tooLong"),
  volume: z.coerce.number({ message: "questions.error.volume" }).int("questions.error.volume").min(0, "questions.error.volume").max(10_000_000, "questions.error.volume"),
  urlFr: z.union([url, z.literal("")]),
  urlNl: z.union([url, z.literal("")]),
  answerFr: z.string().max(400, "validation.tooLong").optional(),
  answerNl: z.string().max(400, "validation.tooLong").optional(),
  active: z.enum(["on", "off"]).optional(),
});

const keywordList = (s: string) =>
  s
    .split(/[\n,]/)
    .map((k) => k.normalize("NFC").trim())
    .filter((k) => k !== "");

export type SaveQuestionResult = { ok: true; id: string } | { ok: false; errors: FieldErrors };

/** Creates or edits one question from the admin page; admins only; audited. */
export async function saveQuestion(ctx: AppContext, user: User, input: unknown): Promise<SaveQuestionResult> {
  if (!can(user.roles, "questions.manage")) return { ok: false, errors: { _form: { key: "error.forbidden.body" } } };
  const parsed = formQuestion.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const d = parsed.data;
  const fields = {
    slug: d.slug,
    label_fr: d.fr,
    label_nl: d.nl,
    keywords_fr: keywordList(d.keywordsFr),
    keywords_nl: keywordList(d.keywordsNl),
    url_fr: d.urlFr || null,
    url_nl: d.urlNl || null,
    answer_fr: d.answerFr?.normalize("NFC").trim() || null,
    answer_nl: d.answerNl?.normalize("NFC").trim() || null,
    monthly_volume: d.volume,
    active: d.active !== "off",
  };
  if (fields.keywords_fr.length > 50 || fields.keywords_nl.length > 50 || [...fields.keywords_fr, ...fields.keywords_nl].some((k) => k.length > 80)) {
    return { ok: false, errors: { [fields.keywords_fr.length > 50 ? "keywordsFr" : "keywordsNl"]: { key: "validation.tooLong" } } };
  }
  return await ctx.db.transaction().execute(async (tx): Promise<SaveQuestionResult> => {
    if (await slugTaken(tx, d.slug, d.id)) return { ok: false, errors: { slug: { key: "questions.error.slugTaken" } } };
    if (d.id) {
      const before = await findRecurringQuestion(tx, d.id);
      if (!before) return { ok: false, errors: { _form: { key: "error.notFound.body" } } };
      const updated = await updateRecurringQuestion(tx, d.id, d.version ?? 0, fields);
      if (!updated) return { ok: false, errors: { _form: { key: "item.conflict" } } };
      await audit(tx, actorOf(user), { action: "question.updated", subjectType: "recurring_question", subjectId: d.id, before: toFileRow(before), after: toFileRow(updated) });
      return { ok: true, id: d.id };
    }
    const created = await upsertRecurringQuestion(tx, fields);
    await audit(tx, actorOf(user), { action: "question.created", subjectType: "recurring_question", subjectId: created.id, after: toFileRow(created) });
    return { ok: true, id: created.id };
  });
}

export interface VolumeFinding {
  row: number;
  column: string;
  kinds: PersonalDataKind[];
}

export type VolumeImportResult =
  | { ok: true; imported: number; months: string[]; removed: VolumeFinding[] }
  | { ok: false; errors: ImportError[]; personalData: VolumeFinding[] };

/**
 * The contact center's counts: a CSV with a question (slug, or label in French or Dutch), a month
 * (yyyy-MM) and a count per line; other columns (comments, examples) are never stored. A cell with
 * personal data (national number, e-mail, phone, IBAN) rejects the file, unless `redact` is set:
 * then those cells are dropped and the user is told which. Validated whole; nothing half-imported.
 */
export async function importQuestionVolumes(ctx: AppContext, user: User, input: { content: string; redact: boolean }): Promise<VolumeImportResult> {
  if (!can(user.roles, "questions.manage")) return { ok: false, errors: [{ row: 0, field: "", key: "error.forbidden.body" }], personalData: [] };
  const lines = parseCsv(input.content);
  const header = (lines[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (names: string[]) => header.findIndex((h) => names.includes(h));
  const qCol = col(["question", "slug", "label", "vraag"]);
  const mCol = col(["month", "mois", "maand"]);
  const cCol = col(["count", "nombre", "aantal", "volume"]);
  const errors: ImportError[] = [];
  if (qCol < 0) errors.push({ row: 1, field: "question", key: "questions.error.missingColumn" });
  if (mCol < 0) errors.push({ row: 1, field: "month", key: "questions.error.missingColumn" });
  if (cCol < 0) errors.push({ row: 1, field: "count", key: "questions.error.missingColumn" });
  if (errors.length > 0) return { ok: false, errors, personalData: [] };
  if (lines.length > 20_001) return { ok: false, errors: [{ row: 0, field: "", key: "questions.error.tooMany", params: { max: 20000 } }], personalData: [] };

  const questions = await listRecurringQuestions(ctx.db);
  const fold = (s: string) => s.normalize("NFC").trim().toLowerCase();
  const byKey = new Map<string, string>();
  for (const q of questions) for (const key of [q.slug, q.label_fr, q.label_nl]) byKey.set(fold(key), q.id);

  const personalData: VolumeFinding[] = [];
  const rows = new Map<string, { questionId: string; month: string; count: number }>();
  lines.slice(1).forEach((cells, index) => {
    const row = index + 2;
    cells.forEach((cell, c) => {
      const kinds = [...new Set(findPersonalData(cell).map((f) => f.kind))];
      if (kinds.length > 0) personalData.push({ row, column: header[c] ?? String(c + 1), kinds });
    });
    const questionCell = cells[qCol]?.trim() ?? "";
    if (personalData.some((p) => p.row === row && p.column === header[qCol])) return;
    const questionId = byKey.get(fold(questionCell));
    if (!questionId) errors.push({ row, field: "question", key: "questions.error.unknownQuestion", params: { value: questionCell.slice(0, 80) } });
    const month = cells[mCol]?.trim() ?? "";
    if (!brusselsMonthRange(month)) errors.push({ row, field: "month", key: "questions.error.month" });
    const count = (cells[cCol] ?? "").trim().replace(/[\s.]/g, "");
    if (!/^\d{1,8}$/.test(count)) errors.push({ row, field: "count", key: "questions.error.volume" });
    if (questionId && /^\d{1,8}$/.test(count)) rows.set(`${questionId} ${month}`, { questionId, month, count: Number(count) });
  });
  // Personal data in the question's own cell cannot be dropped: that line cannot be read.
  for (const p of personalData) if (p.column === header[qCol]) errors.push({ row: p.row, field: "question", key: "questions.error.personalData" });
  if (errors.length > 0 || (personalData.length > 0 && !input.redact)) return { ok: false, errors, personalData };

  const values = [...rows.values()];
  const months = [...new Set(values.map((v) => v.month))].sort();
  await ctx.db.transaction().execute(async (tx) => {
    await upsertQuestionVolumes(tx, values, user.id);
    await audit(tx, actorOf(user), {
      action: "questions.volumes_imported",
      subjectType: "recurring_question",
      subjectId: null,
      after: { rows: values.length, months, personalDataCellsDropped: personalData.length },
    });
  });
  return { ok: true, imported: values.length, months, removed: personalData };
}

/** The active questions with their volume for a month: the contact center's count, else their usual volume. */
async function activeQuestionsWithVolume(ctx: AppContext, month: string) {
  const [questions, volumes] = await Promise.all([listRecurringQuestions(ctx.db, { activeOnly: true }), volumesForMonth(ctx.db, month)]);
  return questions.map((q) => ({ id: q.id, slug: q.slug, labelFr: q.label_fr, labelNl: q.label_nl, volume: volumes.get(q.id) ?? q.monthly_volume }));
}

/** The month's coverage of the citizens' questions (active questions), for the report and its CSV. */
export async function monthQuestionCoverage(ctx: AppContext, month: string): Promise<QuestionCoverageRow[] | null> {
  const range = brusselsMonthRange(month);
  if (!range) return null;
  const [questions, counts] = await Promise.all([activeQuestionsWithVolume(ctx, month), questionPostCounts(ctx.db, range)]);
  return questionCoverage(questions, counts);
}

export function coverageCsv(rows: readonly QuestionCoverageRow[], separator: "," | ";" = ","): string {
  return toCsv(
    ["slug", "question_fr", "question_nl", "volume", "volume_share", "planned_fr", "planned_nl", "published_fr", "published_nl", "post_share", "flagged"],
    rows.map((r) => [r.slug, r.labelFr, r.labelNl, r.volume, r.volumeShare.toFixed(4), r.planned.fr, r.planned.nl, r.published.fr, r.published.nl, r.postShare.toFixed(4), r.flagged ? "yes" : "no"]),
    separator,
  );
}

/** A stored question in the matching engine's shape (camelCase, what the browser also gets). */
function matchable(q: RecurringQuestion) {
  return { id: q.id, slug: q.slug, labelFr: q.label_fr, labelNl: q.label_nl, keywordsFr: q.keywords_fr, keywordsNl: q.keywords_nl };
}

/** The whole list, for the questions page. */
export async function listQuestions(ctx: AppContext) {
  return (await listRecurringQuestions(ctx.db)).map((q) => ({ ...matchable(q), urlFr: q.url_fr, urlNl: q.url_nl, answerFr: q.answer_fr, answerNl: q.answer_nl, volume: q.monthly_volume, active: q.active, version: q.version }));
}

/** The active questions in the matching engine's shape. */
export async function matchableQuestions(ctx: AppContext) {
  return (await listRecurringQuestions(ctx.db, { activeOnly: true })).map(matchable);
}

/**
 * The matching index of the active questions, built again only when one of them changed (their ids
 * and versions say so): building it stems every keyword, which costs far more than a suggestion.
 */
let cachedIndex: { key: string; index: QuestionIndex } | null = null;
function questionIndexOf(questions: readonly RecurringQuestion[]): QuestionIndex {
  const key = questions.map((q) => `${q.id}:${q.version}`).join(" ");
  if (cachedIndex?.key !== key) cachedIndex = { key, index: buildQuestionIndex(questions.map(matchable)) };
  return cachedIndex.index;
}

const suggestInput = z.object({
  text: z.string({ message: "validation.required" }).max(20_000, "validation.tooLong"),
  lang: z.enum(["fr", "nl"], { message: "questions.error.lang" }),
});

/** The best three questions for a text (keywords and the model learned from the team's tagging), as the editor, the API and the CLI show them. */
export async function suggestTags(ctx: AppContext, input: unknown): Promise<{ ok: true; result: SuggestionResult & { lang: MatchLanguage } } | { ok: false; errors: FieldErrors }> {
  const parsed = suggestInput.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const [questions, model] = await Promise.all([listRecurringQuestions(ctx.db, { activeOnly: true }), currentTagModel(ctx)]);
  return { ok: true, result: { lang: parsed.data.lang, ...suggestWithModel(questionIndexOf(questions), model, parsed.data.text, parsed.data.lang) } };
}

/** The active questions a text is about, best first, as stored (one read of the list for the match and the details). */
export async function questionsAbout(ctx: AppContext, text: string, lang: MatchLanguage): Promise<RecurringQuestion[]> {
  const [questions, model] = await Promise.all([listRecurringQuestions(ctx.db, { activeOnly: true }), currentTagModel(ctx)]);
  const byId = new Map(questions.map((q) => [q.id, q]));
  return suggestWithModel(questionIndexOf(questions), model, text, lang).suggestions.flatMap((s) => byId.get(s.id) ?? []);
}

/** For an empty day: the questions to cover, ranked by volume and by how long since they were covered. */
export async function gapQuestions(ctx: AppContext, date: string, limit = 3) {
  const day = resolveLocalTime(date, "00:00");
  if (!day.ok) return [];
  const month = date.slice(0, 7);
  const [questions, last] = await Promise.all([activeQuestionsWithVolume(ctx, month), lastCoveredDates(ctx.db, new Date(day.scheduledAt.getTime() + 86_400_000))]);
  return rankGapQuestions(questions, last, date, limit);
}
