import { sql, type Kysely } from "kysely";

// Reminders to translators and approvers of items due soon that are not ready (issue 5).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("reminders")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("content_item_id", "uuid", (c) => c.notNull().references("content_items.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('translation', 'approval')`))
    .addColumn("language", "text")
    // The translation deadline, or the publication date, the reminder is about.
    .addColumn("due_date", "date", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("dismissed_at", "timestamptz")
    .execute();
  // One reminder per person, item, kind and language: the job runs every quarter hour without repeating itself.
  await sql`create unique index reminders_once_key on reminders (user_id, content_item_id, kind, coalesce(language, ''))`.execute(db);
  // Serves a person's open reminders.
  await sql`create index reminders_open_idx on reminders (user_id, created_at) where dismissed_at is null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("reminders").execute();
}
