import { sql } from "kysely";
import type { Db } from "../../db/client";

/**
 * A plan of `count` published items (two years and more of posts every 20 minutes from 2024), each
 * with both texts on two X channels of its own: `count` × 2 variants, content-item channels and
 * publications, and `count` audit events — the benchmark's database, also used to time migrations.
 * Written in a few set-based statements (about 15 s for 100,000 items on the reference machine).
 */
export async function fillBigPlan(db: Db, options: { authorId: string; count: number }): Promise<void> {
  const channels = await db
    .insertInto("channels")
    .values([
      { network: "x", language: "fr", name: "Big plan X FR", handle: "bigplan_fr", base_url: null, credentials_encrypted: null },
      { network: "x", language: "nl", name: "Big plan X NL", handle: "bigplan_nl", base_url: null, credentials_encrypted: null },
    ])
    .returning(["id", "language"])
    .execute();
  const ids = channels.map((c) => c.id);
  // One statement for the items, their two texts and their two channels (only the new items).
  await sql`
    with items as (
      insert into content_items (id, scheduled_at, local_date, local_time, status, source_language, author_id, updated_by)
      select gen_random_uuid(), ts, (ts at time zone 'Europe/Brussels')::date, '10:00', 'published', 'fr', ${options.authorId}, ${options.authorId}
      from (select timestamptz '2024-01-01 09:00+00' + (n * interval '20 minutes') as ts from generate_series(0, ${options.count - 1}) n) s
      returning id
    ), texts as (
      insert into variants (content_item_id, language, text, status)
      select id, l, 'Publication de démonstration numéro ' || id || ' : votre déclaration en ligne, les délais et les aides.', 'approved'
      from items, (values ('fr'), ('nl')) v(l)
      returning 1
    )
    insert into content_item_channels (content_item_id, channel_id)
    select items.id, c from items, unnest(${sql.raw(`array['${ids.join("','")}']::uuid[]`)}) c`.execute(db);
  await sql`analyze content_items, variants, content_item_channels`.execute(db);
  await sql`
    insert into publications (variant_id, channel_id, content_item_id, languages, state, remote_id, published_at, due_at, deadline_at)
    select v.id, c.id, v.content_item_id, v.language, 'published', gen_random_uuid()::text, now(), now(), now() + interval '1 hour'
    from channels c join content_item_channels ic on ic.channel_id = c.id
    join variants v on v.content_item_id = ic.content_item_id and v.language = c.language
    where c.id in (${sql.join(ids)})`.execute(db);
  await sql`insert into audit_events (actor_label, action, subject_type, after) select 'bench', 'item.created', 'content_item', jsonb_build_object('n', n) from generate_series(1, ${options.count}) n`.execute(db);
  await sql`vacuum analyze`.execute(db);
}
