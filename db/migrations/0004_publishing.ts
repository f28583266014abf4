import { sql, type Kysely } from "kysely";

// Timed publishing (issue 5): what each publication sends and when, its claim by a scheduler
// process, crisis holds, and the local outbox.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("publications")
    .addColumn("content_item_id", "uuid", (c) => c.references("content_items.id").onDelete("cascade"))
    // What this publication carries: one language, or both combined on a bilingual channel.
    .addColumn("languages", "text", (c) => c.notNull().defaultTo("fr").check(sql`languages in ('fr', 'nl', 'fr+nl', 'nl+fr')`))
    .addColumn("due_at", "timestamptz")
    // After this instant a publication that could not go out fails instead of being retried.
    .addColumn("deadline_at", "timestamptz")
    // Sent as Mastodon's Idempotency-Key, the webhook's id, the outbox's key: chosen before any call.
    .addColumn("idempotency_key", "text", (c) => c.notNull().defaultTo(sql`gen_random_uuid()::text`))
    // A record key chosen before the call where the network lets the client choose it (Bluesky).
    .addColumn("remote_key", "text")
    .addColumn("claimed_by", "text")
    .addColumn("claimed_at", "timestamptz")
    // When the network call started: the publish lag is sent_at - due_at.
    .addColumn("sent_at", "timestamptz")
    // A stable code for the last error (translated for people); last_error keeps the network's words.
    .addColumn("last_error_code", "text")
    .execute();
  await sql`
    update publications p set content_item_id = v.content_item_id, languages = v.language, due_at = i.scheduled_at,
      deadline_at = i.scheduled_at + interval '2 hours', sent_at = coalesce(p.published_at, i.scheduled_at)
    from variants v join content_items i on i.id = v.content_item_id
    where v.id = p.variant_id`.execute(db);
  await sql`alter table publications alter column content_item_id set not null, alter column due_at set not null, alter column deadline_at set not null`.execute(db);
  // An item's publications, for its page and for rescheduling.
  await db.schema.createIndex("publications_item_idx").on("publications").column("content_item_id").execute();
  // Serves the recovery of publications whose scheduler died during the call.
  await sql`create index publications_sending_idx on publications (claimed_at) where state = 'sending'`.execute(db);

  await db.schema
    .alterTable("channels")
    .addColumn("reconnect_reason", "text")
    .execute();

  await db.schema
    .createTable("publishing_holds")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("scope", "text", (c) => c.notNull().check(sql`scope in ('all', 'channel', 'language')`))
    .addColumn("channel_id", "uuid", (c) => c.references("channels.id").onDelete("cascade"))
    .addColumn("language", "text", (c) => c.check(sql`language in ('fr', 'nl')`))
    .addColumn("reason", "text", (c) => c.notNull().check(sql`length(btrim(reason)) >= 3`))
    .addColumn("held_by", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("held_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("released_by", "uuid", (c) => c.references("users.id"))
    .addColumn("released_at", "timestamptz")
    .addCheckConstraint("publishing_holds_target_check", sql`(scope = 'all' and channel_id is null and language is null)
      or (scope = 'channel' and channel_id is not null and language is null)
      or (scope = 'language' and language is not null and channel_id is null)`)
    .execute();
  // The publisher reads the live holds on every claim.
  await sql`create index publishing_holds_live_idx on publishing_holds (held_at) where released_at is null`.execute(db);

  await db.schema
    .createTable("outbox_messages")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("publication_id", "uuid", (c) => c.notNull().references("publications.id").onDelete("cascade"))
    .addColumn("channel_id", "uuid", (c) => c.notNull().references("channels.id").onDelete("cascade"))
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The outbox receives each publication once: a second delivery of the same key is a no-op.
  await sql`create unique index outbox_messages_key on outbox_messages (idempotency_key)`.execute(db);
  await db.schema.createIndex("outbox_messages_received_idx").on("outbox_messages").column("received_at").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("outbox_messages").execute();
  await db.schema.dropTable("publishing_holds").execute();
  await db.schema.alterTable("channels").dropColumn("reconnect_reason").execute();
  await sql`drop index publications_sending_idx`.execute(db);
  await sql`drop index publications_item_idx`.execute(db);
  await db.schema
    .alterTable("publications")
    .dropColumn("content_item_id")
    .dropColumn("languages")
    .dropColumn("due_at")
    .dropColumn("deadline_at")
    .dropColumn("idempotency_key")
    .dropColumn("remote_key")
    .dropColumn("claimed_by")
    .dropColumn("claimed_at")
    .dropColumn("sent_at")
    .dropColumn("last_error_code")
    .execute();
}
