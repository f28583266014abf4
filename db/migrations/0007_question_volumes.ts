import { sql, type Kysely } from "kysely";

// Citizen-question volumes per month, from the contact center's exports (issue 6). Counts only:
// no free text is ever stored from those files.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("question_volumes")
    .addColumn("recurring_question_id", "uuid", (c) => c.notNull().references("recurring_questions.id").onDelete("cascade"))
    .addColumn("month", "text", (c) => c.notNull().check(sql`month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`))
    .addColumn("count", "integer", (c) => c.notNull().check(sql`count >= 0`))
    .addColumn("imported_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("imported_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // One count per question and month: a later import of the same month replaces it.
    .addPrimaryKeyConstraint("question_volumes_pkey", ["recurring_question_id", "month"])
    .execute();
  // Serves a month's coverage report: every question's count for that month.
  await db.schema.createIndex("question_volumes_month_idx").on("question_volumes").column("month").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("question_volumes").execute();
}
