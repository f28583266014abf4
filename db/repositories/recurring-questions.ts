import { sql, type Insertable } from "kysely";
import type { Db } from "../client";
import type { RecurringQuestion, RecurringQuestionsTable } from "../schema";

export async function listRecurringQuestions(db: Db, options: { activeOnly?: boolean } = {}): Promise<RecurringQuestion[]> {
  let query = db.selectFrom("recurring_questions").selectAll().orderBy("monthly_volume", "desc").orderBy("slug");
  if (options.activeOnly) query = query.where("active", "=", true);
  return await query.execute();
}

/** Inserts, or updates the question with the same slug (its reference answers only when given). */
export async function upsertRecurringQuestion(db: Db, question: Insertable<RecurringQuestionsTable>): Promise<RecurringQuestion> {
  const answers = question.answer_fr !== undefined || question.answer_nl !== undefined;
  return await db
    .insertInto("recurring_questions")
    .values(question)
    .onConflict((oc) =>
      oc.column("slug").doUpdateSet((eb) => ({
        label_fr: eb.ref("excluded.label_fr"),
        label_nl: eb.ref("excluded.label_nl"),
        keywords_fr: eb.ref("excluded.keywords_fr"),
        keywords_nl: eb.ref("excluded.keywords_nl"),
        url_fr: eb.ref("excluded.url_fr"),
        url_nl: eb.ref("excluded.url_nl"),
        monthly_volume: eb.ref("excluded.monthly_volume"),
        ...(answers ? { answer_fr: eb.ref("excluded.answer_fr"), answer_nl: eb.ref("excluded.answer_nl") } : {}),
        version: eb("recurring_questions.version", "+", 1),
        updated_at: eb.fn("now"),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function tagItem(db: Db, contentItemId: string, questionIds: string[]): Promise<void> {
  if (questionIds.length === 0) return;
  await db
    .insertInto("item_tags")
    .values(questionIds.map((recurring_question_id) => ({ content_item_id: contentItemId, recurring_question_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function listTagsForItems(db: Db, itemIds: string[]): Promise<{ contentItemId: string; slug: string; labelFr: string; labelNl: string }[]> {
  if (itemIds.length === 0) return [];
  const rows = await db
    .selectFrom("item_tags")
    .innerJoin("recurring_questions", "recurring_questions.id", "item_tags.recurring_question_id")
    .select(["item_tags.content_item_id", "recurring_questions.slug", "recurring_questions.label_fr", "recurring_questions.label_nl"])
    .where("item_tags.content_item_id", "in", itemIds)
    .orderBy("recurring_questions.slug")
    .execute();
  return rows.map((r) => ({ contentItemId: r.content_item_id, slug: r.slug, labelFr: r.label_fr, labelNl: r.label_nl }));
}

export async function findRecurringQuestion(db: Db, id: string): Promise<RecurringQuestion | undefined> {
  return await db.selectFrom("recurring_questions").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Edits a question if it is still at `expectedVersion`; undefined if someone changed it meanwhile. */
export async function updateRecurringQuestion(
  db: Db,
  id: string,
  expectedVersion: number,
  fields: Pick<RecurringQuestion, "slug" | "label_fr" | "label_nl" | "keywords_fr" | "keywords_nl" | "url_fr" | "url_nl" | "answer_fr" | "answer_nl" | "monthly_volume" | "active">,
): Promise<RecurringQuestion | undefined> {
  return await db
    .updateTable("recurring_questions")
    .set((eb) => ({ ...fields, version: eb("version", "+", 1), updated_at: sql<Date>`now()` }))
    .where("id", "=", id)
    .where("version", "=", expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function slugTaken(db: Db, slug: string, exceptId?: string): Promise<boolean> {
  let q = db.selectFrom("recurring_questions").select("id").where("slug", "=", slug);
  if (exceptId) q = q.where("id", "<>", exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** Sets the counts of citizen questions per question and month (a month imported again is replaced). */
export async function upsertQuestionVolumes(db: Db, rows: readonly { questionId: string; month: string; count: number }[], importedBy: string): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("question_volumes")
    .values(rows.map((r) => ({ recurring_question_id: r.questionId, month: r.month, count: r.count, imported_by: importedBy })))
    .onConflict((oc) =>
      oc.columns(["recurring_question_id", "month"]).doUpdateSet((eb) => ({ count: eb.ref("excluded.count"), imported_by: eb.ref("excluded.imported_by"), imported_at: sql<Date>`now()` })),
    )
    .execute();
}

export async function volumesForMonth(db: Db, month: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom("question_volumes").select(["recurring_question_id", "count"]).where("month", "=", month).execute();
  return new Map(rows.map((r) => [r.recurring_question_id, r.count]));
}

/**
 * Per question and language, the tagged posts scheduled in [start, end): planned (not archived,
 * with a text in that language) and published (a publication carrying that language went out).
 */
export async function questionPostCounts(db: Db, range: { start: Date; end: Date }): Promise<{ questionId: string; language: "fr" | "nl"; planned: number; published: number }[]> {
  const result = await sql<{ question_id: string; language: "fr" | "nl"; planned: number; published: number }>`
    select t.recurring_question_id as question_id, l.language,
           count(*) filter (where coalesce(btrim(v.text), '') <> '')::int as planned,
           count(*) filter (where exists (
             select 1 from publications p
             where p.content_item_id = i.id and p.state = 'published' and position(l.language in p.languages) > 0))::int as published
    from item_tags t
    join content_items i on i.id = t.content_item_id
    cross join (values ('fr'), ('nl')) as l(language)
    left join variants v on v.content_item_id = i.id and v.language = l.language
    where i.scheduled_at >= ${range.start} and i.scheduled_at < ${range.end} and i.status <> 'archived'
    group by 1, 2`.execute(db);
  return result.rows.map((r) => ({ questionId: r.question_id, language: r.language, planned: r.planned, published: r.published }));
}

/** Per question, the last Brussels date before `before` on which a tagged post (not archived or failed) was scheduled. */
export async function lastCoveredDates(db: Db, before: Date): Promise<Map<string, string>> {
  const result = await sql<{ question_id: string; last: string }>`
    select t.recurring_question_id as question_id, max(i.local_date)::text as last
    from item_tags t join content_items i on i.id = t.content_item_id
    where i.scheduled_at < ${before} and i.status not in ('archived', 'failed')
    group by 1`.execute(db);
  return new Map(result.rows.map((r) => [r.question_id, r.last]));
}
