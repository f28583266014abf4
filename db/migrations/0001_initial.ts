import { sql, type Kysely } from "kysely";

// Typed with Kysely<any>: a migration is a frozen snapshot and never imports app code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("ui_language", "text", (c) => c.notNull().defaultTo("fr").check(sql`ui_language in ('fr', 'nl', 'en')`))
    .addColumn("roles", sql`text[]`, (c) =>
      c
        .notNull()
        .defaultTo(sql`'{}'::text[]`)
        .check(sql`roles <@ array['admin', 'editor', 'translator', 'approver', 'viewer']::text[]`),
    )
    .addColumn("password_hash", "text")
    .addColumn("active", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Serves sign-in by e-mail; e-mail addresses are unique whatever their case.
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);

  await db.schema
    .createTable("sessions")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .execute();
  // Serves the purge of expired sessions.
  await db.schema.createIndex("sessions_expires_at_idx").on("sessions").column("expires_at").execute();
  await db.schema.createIndex("sessions_user_id_idx").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("channels")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("network", "text", (c) =>
      c.notNull().check(sql`network in ('x', 'facebook', 'linkedin', 'mastodon', 'bluesky', 'youtube', 'webhook', 'outbox')`),
    )
    .addColumn("language", "text", (c) => c.notNull().check(sql`language in ('fr', 'nl', 'bilingual')`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("handle", "text", (c) => c.notNull())
    .addColumn("base_url", "text")
    .addColumn("credentials_encrypted", "text")
    .addColumn("active", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("needs_reconnect", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index channels_name_key on channels (lower(name))`.execute(db);

  await db.schema
    .createTable("content_items")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("scheduled_at", "timestamptz", (c) => c.notNull())
    .addColumn("local_date", "date", (c) => c.notNull())
    .addColumn("local_time", "text", (c) => c.notNull().check(sql`local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`))
    .addColumn("occurrence", "text", (c) => c.notNull().defaultTo("first").check(sql`occurrence in ('first', 'second')`))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("draft")
        .check(
          sql`status in ('draft', 'in_translation', 'awaiting_approval', 'scheduled', 'published', 'partly_failed', 'failed', 'held', 'archived')`,
        ),
    )
    .addColumn("source_language", "text", (c) => c.notNull().check(sql`source_language in ('fr', 'nl')`))
    .addColumn("german_enabled", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("author_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Serves the calendar: one range scan over the visible weeks.
  await db.schema.createIndex("content_items_scheduled_at_idx").on("content_items").column("scheduled_at").execute();

  await db.schema
    .createTable("variants")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("content_item_id", "uuid", (c) => c.notNull().references("content_items.id").onDelete("cascade"))
    .addColumn("language", "text", (c) => c.notNull().check(sql`language in ('fr', 'nl', 'de')`))
    .addColumn("text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("link_url", "text")
    .addColumn("image_alt", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("draft").check(sql`status in ('missing', 'draft', 'submitted', 'approved', 'rejected')`),
    )
    .addColumn("source_hash", "text")
    .addColumn("translated_by", "uuid", (c) => c.references("users.id"))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("variants_item_language_key", ["content_item_id", "language"])
    .execute();

  await db.schema
    .createTable("content_item_channels")
    .addColumn("content_item_id", "uuid", (c) => c.notNull().references("content_items.id").onDelete("cascade"))
    .addColumn("channel_id", "uuid", (c) => c.notNull().references("channels.id"))
    .addPrimaryKeyConstraint("content_item_channels_pkey", ["content_item_id", "channel_id"])
    .execute();

  await db.schema
    .createTable("publications")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("variant_id", "uuid", (c) => c.notNull().references("variants.id").onDelete("cascade"))
    .addColumn("channel_id", "uuid", (c) => c.notNull().references("channels.id"))
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .defaultTo("scheduled")
        .check(sql`state in ('scheduled', 'sending', 'published', 'failed', 'unconfirmed', 'cancelled')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz")
    .addColumn("remote_id", "text")
    .addColumn("remote_url", "text")
    .addColumn("last_error", "text")
    .addColumn("published_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("publications_variant_channel_key", ["variant_id", "channel_id"])
    .execute();
  // Serves the publisher's claim of due work: only rows still waiting are indexed.
  await sql`create index publications_due_idx on publications (next_attempt_at) where state = 'scheduled'`.execute(db);

  await db.schema
    .createTable("recurring_questions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("slug", "text", (c) => c.notNull().unique().check(sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`))
    .addColumn("label_fr", "text", (c) => c.notNull())
    .addColumn("label_nl", "text", (c) => c.notNull())
    .addColumn("keywords_fr", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("keywords_nl", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("url_fr", "text")
    .addColumn("url_nl", "text")
    .addColumn("monthly_volume", "integer", (c) => c.notNull().defaultTo(0).check(sql`monthly_volume >= 0`))
    .addColumn("active", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("item_tags")
    .addColumn("content_item_id", "uuid", (c) => c.notNull().references("content_items.id").onDelete("cascade"))
    .addColumn("recurring_question_id", "uuid", (c) => c.notNull().references("recurring_questions.id"))
    .addPrimaryKeyConstraint("item_tags_pkey", ["content_item_id", "recurring_question_id"])
    .execute();
  // Serves the coverage of a question: which items carry a tag.
  await db.schema.createIndex("item_tags_question_idx").on("item_tags").column("recurring_question_id").execute();

  await db.schema
    .createTable("day_notes")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("local_date", "date", (c) => c.notNull())
    .addColumn("text_fr", "text", (c) => c.notNull())
    .addColumn("text_nl", "text", (c) => c.notNull())
    .addColumn("author_id", "uuid", (c) => c.references("users.id"))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Serves the calendar's notes for the visible dates.
  await db.schema.createIndex("day_notes_local_date_idx").on("day_notes").column("local_date").execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("actor_id", "uuid", (c) => c.references("users.id"))
    .addColumn("actor_label", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "text")
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("before", "jsonb")
    .addColumn("after", "jsonb")
    .execute();
  // Serves an item's history and the audit page's filter by subject.
  await db.schema.createIndex("audit_events_subject_idx").on("audit_events").columns(["subject_type", "subject_id", "occurred_at"]).execute();
  await db.schema.createIndex("audit_events_occurred_at_idx").on("audit_events").column("occurred_at").execute();

  // Audit rows are append-only, for the application's own database user too.
  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
    end;
    $$`.execute(db);
  await sql`create trigger audit_events_no_update_delete before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db);
  await sql`create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_events").execute();
  await sql`drop function audit_events_append_only()`.execute(db);
  for (const table of [
    "day_notes",
    "item_tags",
    "recurring_questions",
    "publications",
    "content_item_channels",
    "variants",
    "content_items",
    "channels",
    "sessions",
    "users",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
