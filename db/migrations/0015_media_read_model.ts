import { sql, type Kysely } from "kysely";

// Issue 15: the calendar shows each post's first visual as a small thumbnail, from the calendar's
// read model (migration 0006): the hash of the first visual of the source version (else of the
// other one), kept on the item by a statement-level trigger whenever a version's visuals change.
// And a Mastodon instance's own media limits, read from /api/v2/instance when the channel is
// tested, kept on the channel for the networks' rules.

const REFRESH_THUMBS = (ids: string) => `
  update content_items i set
    thumb_hash = (select v.visuals->0->>'hash' from variants v
                  where v.content_item_id = i.id and v.language in ('fr', 'nl') and jsonb_array_length(v.visuals) > 0
                  order by (v.language = i.source_language) desc, v.language limit 1)
  where i.id in (${ids})`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table content_items add column thumb_hash text`.execute(db);
  await sql
    .raw(
      `create function content_items_thumbs_rows() returns trigger language plpgsql as $$
       begin ${REFRESH_THUMBS("select content_item_id from changed_rows")}; return null; end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create function content_items_thumbs_update() returns trigger language plpgsql as $$
       begin ${REFRESH_THUMBS("select n.content_item_id from new_rows n join old_rows o on o.id = n.id where n.visuals is distinct from o.visuals")}; return null; end $$`,
    )
    .execute(db);
  await sql`create trigger variants_thumbs_insert after insert on variants referencing new table as changed_rows
            for each statement execute function content_items_thumbs_rows()`.execute(db);
  await sql`create trigger variants_thumbs_update after update on variants referencing old table as old_rows new table as new_rows
            for each statement execute function content_items_thumbs_update()`.execute(db);
  await sql.raw(REFRESH_THUMBS("select distinct content_item_id from variants where jsonb_array_length(visuals) > 0")).execute(db);
  await sql`alter table channels add column media_limits jsonb`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table channels drop column media_limits`.execute(db);
  await sql`drop trigger variants_thumbs_insert on variants`.execute(db);
  await sql`drop trigger variants_thumbs_update on variants`.execute(db);
  await sql`drop function content_items_thumbs_rows()`.execute(db);
  await sql`drop function content_items_thumbs_update()`.execute(db);
  await sql`alter table content_items drop column thumb_hash`.execute(db);
}
