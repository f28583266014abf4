import { sql, type Kysely } from "kysely";

// Translation, approval, the parity rule's exceptions, comments and team settings (issue 4).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("variants")
    // When and by whom the text was translated (source_hash says from which source text).
    .addColumn("translated_at", "timestamptz")
    // The source's text as it was then, to show the translator what changed since.
    .addColumn("source_text", "text")
    // Approval is of the exact text: the hash of the text, link and alt text that were approved.
    .addColumn("approved_hash", "text")
    .addColumn("approved_by", "uuid", (c) => c.references("users.id"))
    .addColumn("approved_at", "timestamptz")
    .addColumn("rejection_comment", "text")
    .execute();

  await db.schema
    .createTable("item_comments")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("content_item_id", "uuid", (c) => c.notNull().references("content_items.id").onDelete("cascade"))
    .addColumn("author_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("body", "text", (c) => c.notNull().check(sql`length(btrim(body)) between 1 and 4000`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Serves an item's discussion, oldest first.
  await db.schema.createIndex("item_comments_item_idx").on("item_comments").columns(["content_item_id", "created_at"]).execute();

  await db.schema
    .createTable("parity_exceptions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("content_item_id", "uuid", (c) => c.notNull().references("content_items.id").onDelete("cascade"))
    // The one language the item goes out in.
    .addColumn("language", "text", (c) => c.notNull().check(sql`language in ('fr', 'nl')`))
    .addColumn("reason", "text", (c) => c.notNull().check(sql`length(btrim(reason)) >= 10`))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("requested").check(sql`status in ('requested', 'approved', 'rejected', 'withdrawn')`))
    .addColumn("requested_by", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("requested_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("decided_by", "uuid", (c) => c.references("users.id"))
    .addColumn("decided_at", "timestamptz")
    .addColumn("decision_comment", "text")
    .execute();
  // At most one live exception (requested or approved) per item: the invariant, not just a check.
  await sql`create unique index parity_exceptions_live_key on parity_exceptions (content_item_id) where status in ('requested', 'approved')`.execute(db);

  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "jsonb", (c) => c.notNull())
    .addColumn("updated_by", "uuid", (c) => c.references("users.id"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("settings").execute();
  await db.schema.dropTable("parity_exceptions").execute();
  await db.schema.dropTable("item_comments").execute();
  await db.schema
    .alterTable("variants")
    .dropColumn("translated_at")
    .dropColumn("source_text")
    .dropColumn("approved_hash")
    .dropColumn("approved_by")
    .dropColumn("approved_at")
    .dropColumn("rejection_comment")
    .execute();
}
