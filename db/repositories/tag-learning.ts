import { sql } from "kysely";
import type { Db } from "../client";
import type { TagVerdict } from "../schema";
import type { Calibration, TagModel } from "../../app/domain/tag-model";

/**
 * What the tag model learns from: every tag on every item that exists (drafts count; a deleted
 * item's tags are gone with it), for each of its language versions with a text, and the questions
 * editors rejected on an item's texts.
 */
export async function trainingRows(db: Db): Promise<{ itemId: string; lang: "fr" | "nl"; text: string; questionIds: string[]; rejectedIds: string[] }[]> {
  const r = await sql<{ item_id: string; lang: "fr" | "nl"; text: string; question_ids: string[] | null; rejected_ids: string[] | null }>`
    select v.content_item_id as item_id, v.language as lang, v.text,
      (select array_agg(t.recurring_question_id::text) from item_tags t where t.content_item_id = v.content_item_id) as question_ids,
      (select array_agg(distinct f.recurring_question_id::text) from tag_feedback f where f.content_item_id = v.content_item_id and f.language = v.language and f.verdict = 'rejected') as rejected_ids
    from variants v
    where v.text <> '' and (exists (select 1 from item_tags t where t.content_item_id = v.content_item_id)
      or exists (select 1 from tag_feedback f where f.content_item_id = v.content_item_id and f.verdict = 'rejected'))
    order by v.content_item_id, v.language`.execute(db);
  return r.rows.map((x) => ({ itemId: x.item_id, lang: x.lang, text: x.text, questionIds: x.question_ids ?? [], rejectedIds: x.rejected_ids ?? [] }));
}

/** A cheap fingerprint of what the model learns from: tags, feedback, the tagged texts' last changes, and the questions (their keywords set the calibration). */
export async function trainingFingerprint(db: Db): Promise<string> {
  const r = await sql<{ f: string }>`
    select concat_ws('|',
      (select count(*) from item_tags),
      (select coalesce(sum(hashtext(content_item_id::text || recurring_question_id::text)), 0) from item_tags),
      (select coalesce(max(id), 0) from tag_feedback),
      (select coalesce(max(i.updated_at)::text, '') from content_items i where exists (select 1 from item_tags t where t.content_item_id = i.id)),
      (select coalesce(sum(hashtext(id::text || version::text || active::text)), 0) from recurring_questions)) as f`.execute(db);
  return r.rows[0]!.f;
}

export async function latestModel(db: Db): Promise<{ version: number; fingerprint: string; trainedAt: Date; examples: number; model: unknown } | undefined> {
  const row = await db.selectFrom("tag_models").select(["version", "fingerprint", "trained_at", "examples", "model"]).orderBy("version", "desc").limit(1).executeTakeFirst();
  return row ? { version: row.version, fingerprint: row.fingerprint, trainedAt: row.trained_at, examples: row.examples, model: row.model } : undefined;
}

export async function latestModelVersion(db: Db): Promise<number | null> {
  const row = await db.selectFrom("tag_models").select("version").orderBy("version", "desc").limit(1).executeTakeFirst();
  return row?.version ?? null;
}

/** Stores a new model and keeps the last five. */
export async function saveModel(db: Db, model: { fingerprint: string; examples: number; trainMs: number; model: unknown }): Promise<number> {
  const row = await db.insertInto("tag_models").values({ fingerprint: model.fingerprint, examples: model.examples, train_ms: model.trainMs, model: JSON.stringify(model.model) }).returning("version").executeTakeFirstOrThrow();
  await sql`delete from tag_models where version <= ${row.version - 5}`.execute(db);
  return row.version;
}

/** Records verdicts once per item, question, language and verdict (saving an item again repeats nothing); unknown questions are skipped. */
export async function insertFeedback(db: Db, rows: readonly { itemId: string; questionId: string; language: "fr" | "nl"; verdict: TagVerdict; userId: string | null }[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into tag_feedback (content_item_id, recurring_question_id, language, verdict, user_id)
    select x.item, x.question, x.language, x.verdict, x.user_id
    from unnest(${rows.map((r) => r.itemId)}::uuid[], ${rows.map((r) => r.questionId)}::uuid[], ${rows.map((r) => r.language)}::text[], ${rows.map((r) => r.verdict)}::text[], ${rows.map((r) => r.userId)}::uuid[]) as x(item, question, language, verdict, user_id)
    where exists (select 1 from recurring_questions q where q.id = x.question)
      and not exists (select 1 from tag_feedback f where f.content_item_id = x.item and f.recurring_question_id = x.question and f.language = x.language and f.verdict = x.verdict)`.execute(db);
}

/** Per question: its tagged items, and the editors' verdicts on its suggestions since `since`. */
export async function questionLearningStats(db: Db, since: Date): Promise<Map<string, { examples: number; accepted: number; rejected: number; added: number }>> {
  const r = await sql<{ id: string; examples: number; accepted: number; rejected: number; added: number }>`
    select q.id,
      (select count(*)::int from item_tags t where t.recurring_question_id = q.id) as examples,
      (select count(*)::int from tag_feedback f where f.recurring_question_id = q.id and f.at >= ${since} and f.verdict = 'accepted') as accepted,
      (select count(*)::int from tag_feedback f where f.recurring_question_id = q.id and f.at >= ${since} and f.verdict = 'rejected') as rejected,
      (select count(*)::int from tag_feedback f where f.recurring_question_id = q.id and f.at >= ${since} and f.verdict = 'added') as added
    from recurring_questions q`.execute(db);
  return new Map(r.rows.map((x) => [x.id, { examples: x.examples, accepted: x.accepted, rejected: x.rejected, added: x.added }]));
}

/** The newest model's facts for the questions page, with its confident threshold and how it was measured (read from the stored model). */
export async function latestModelSummary(db: Db): Promise<({ version: number; examples: number; trainedAt: Date } & Pick<TagModel, "confidentScore" | "calibration">) | undefined> {
  const row = await db
    .selectFrom("tag_models")
    .select(["version", "examples", "trained_at"])
    .select(sql<number | null>`(model->>'confidentScore')::float8`.as("confident_score"))
    .select(sql<boolean>`model ? 'confidentScore'`.as("calibrated"))
    .select(sql<Calibration | null>`model->'calibration'`.as("calibration"))
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? { version: row.version, examples: row.examples, trainedAt: row.trained_at, confidentScore: row.calibrated ? row.confident_score : undefined, calibration: row.calibration ?? undefined } : undefined;
}
