import { sql, type Kysely } from "kysely";

// The calendar's read model (issue 3): what a month's events show — the first words of each
// language, the channels, the tags — kept on the content item itself, so that a month of a thousand
// posts is one range scan of content_items with no per-row look-ups. PostgreSQL keeps the copies in
// step with statement-level triggers on the tables they come from, whichever code writes them.

/** How many characters of each text the calendar shows (after trimming). */
export const PREVIEW_CHARS = 80;

const REFRESH_PREVIEWS = (ids: string) => `
  update content_items i set
    preview_fr = coalesce((select btrim(left(btrim(v.text), ${PREVIEW_CHARS})) from variants v where v.content_item_id = i.id and v.language = 'fr'), ''),
    preview_nl = coalesce((select btrim(left(btrim(v.text), ${PREVIEW_CHARS})) from variants v where v.content_item_id = i.id and v.language = 'nl'), '')
  where i.id in (${ids})`;

const REFRESH_CHANNELS = (ids: string) => `
  update content_items i set
    channel_ids = coalesce((select array_agg(c.channel_id order by c.channel_id) from content_item_channels c where c.content_item_id = i.id), '{}')
  where i.id in (${ids})`;

const REFRESH_TAGS = (ids: string) => `
  update content_items i set
    tag_slugs = coalesce((select array_agg(q.slug order by q.slug) from item_tags t join recurring_questions q on q.id = t.recurring_question_id
                          where t.content_item_id = i.id), '{}')
  where i.id in (${ids})`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("content_items")
    .addColumn("preview_fr", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("preview_nl", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("channel_ids", sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("tag_slugs", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();

  // Texts: on insert and delete of variants, and on an update that changes a text (an approval does not).
  await sql
    .raw(
      `create function content_items_previews_rows() returns trigger language plpgsql as $$
       begin ${REFRESH_PREVIEWS("select content_item_id from changed_rows")}; return null; end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create function content_items_previews_update() returns trigger language plpgsql as $$
       begin ${REFRESH_PREVIEWS("select n.content_item_id from new_rows n join old_rows o on o.id = n.id where n.text is distinct from o.text")}; return null; end $$`,
    )
    .execute(db);
  await sql`create trigger variants_previews_insert after insert on variants referencing new table as changed_rows
            for each statement execute function content_items_previews_rows()`.execute(db);
  await sql`create trigger variants_previews_delete after delete on variants referencing old table as changed_rows
            for each statement execute function content_items_previews_rows()`.execute(db);
  await sql`create trigger variants_previews_update after update on variants referencing old table as old_rows new table as new_rows
            for each statement execute function content_items_previews_update()`.execute(db);

  // Channels.
  await sql
    .raw(
      `create function content_items_channels_rows() returns trigger language plpgsql as $$
       begin ${REFRESH_CHANNELS("select content_item_id from changed_rows")}; return null; end $$`,
    )
    .execute(db);
  await sql`create trigger item_channels_insert after insert on content_item_channels referencing new table as changed_rows
            for each statement execute function content_items_channels_rows()`.execute(db);
  await sql`create trigger item_channels_delete after delete on content_item_channels referencing old table as changed_rows
            for each statement execute function content_items_channels_rows()`.execute(db);

  // Tags, and a question whose slug changes.
  await sql
    .raw(
      `create function content_items_tags_rows() returns trigger language plpgsql as $$
       begin ${REFRESH_TAGS("select content_item_id from changed_rows")}; return null; end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create function content_items_tags_slug() returns trigger language plpgsql as $$
       begin ${REFRESH_TAGS(
         "select t.content_item_id from item_tags t join new_rows n on n.id = t.recurring_question_id join old_rows o on o.id = n.id where n.slug is distinct from o.slug",
       )}; return null; end $$`,
    )
    .execute(db);
  await sql`create trigger item_tags_insert after insert on item_tags referencing new table as changed_rows
            for each statement execute function content_items_tags_rows()`.execute(db);
  await sql`create trigger item_tags_delete after delete on item_tags referencing old table as changed_rows
            for each statement execute function content_items_tags_rows()`.execute(db);
  await sql`create trigger questions_slug_update after update on recurring_questions referencing old table as old_rows new table as new_rows
            for each statement execute function content_items_tags_slug()`.execute(db);

  // The items already there.
  await sql.raw(REFRESH_PREVIEWS("select id from content_items")).execute(db);
  await sql.raw(REFRESH_CHANNELS("select id from content_items")).execute(db);
  await sql.raw(REFRESH_TAGS("select id from content_items")).execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const [trigger, table] of [
    ["variants_previews_insert", "variants"],
    ["variants_previews_delete", "variants"],
    ["variants_previews_update", "variants"],
    ["item_channels_insert", "content_item_channels"],
    ["item_channels_delete", "content_item_channels"],
    ["item_tags_insert", "item_tags"],
    ["item_tags_delete", "item_tags"],
    ["questions_slug_update", "recurring_questions"],
  ]) {
    await sql.raw(`drop trigger ${trigger} on ${table}`).execute(db);
  }
  for (const fn of ["content_items_previews_rows", "content_items_previews_update", "content_items_channels_rows", "content_items_tags_rows", "content_items_tags_slug"]) {
    await sql.raw(`drop function ${fn}()`).execute(db);
  }
  await db.schema.alterTable("content_items").dropColumn("preview_fr").dropColumn("preview_nl").dropColumn("channel_ids").dropColumn("tag_slugs").execute();
}
