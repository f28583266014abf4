import type { Insertable } from "kysely";
import type { Db } from "../client";
import type { RecurringQuestion, RecurringQuestionsTable } from "../schema";

export async function listRecurringQuestions(db: Db, options: { activeOnly?: boolean } = {}): Promise<RecurringQuestion[]> {
  let query = db.selectFrom("recurring_questions").selectAll().orderBy("monthly_volume", "desc").orderBy("slug");
  if (options.activeOnly) query = query.where("active", "=", true);
  return await query.execute();
}

/** Inserts, or updates the question with the same slug. */
export async function upsertRecurringQuestion(db: Db, question: Insertable<RecurringQuestionsTable>): Promise<RecurringQuestion> {
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
    .execute();
  return rows.map((r) => ({ contentItemId: r.content_item_id, slug: r.slug, labelFr: r.label_fr, labelNl: r.label_nl }));
}
