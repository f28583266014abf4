import { sql, type Kysely } from "kysely";

// Private calendar feeds (issue 8): a user's subscription URL for Outlook, Google Calendar or
// Thunderbird. The token is shown once and stored hashed; a feed is revoked, never reused.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("calendar_feeds")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    // SHA-256 of the token, hex: what the feed URL is checked against.
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("channel_ids", sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("statuses", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("language", "text", (c) => c.notNull().check(sql`language in ('fr', 'nl')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();
  // Serves a user's list of feeds.
  await db.schema.createIndex("calendar_feeds_user_idx").on("calendar_feeds").column("user_id").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("calendar_feeds").execute();
}
