import { sql } from "kysely";
import { contentHashOf, sourceHashOf } from "../../app/domain/approval-hash.server";
import type { Visual } from "../../app/domain/visuals";
import type { Db } from "../../db/client";

/**
 * `n` approved bilingual posts on one channel, all due at `at` (one publication each, French
 * first), for the publishing benchmarks; `label` keeps their texts apart from other bursts (X
 * refuses duplicates), `visual` gives post `i` its image (in both versions, with an alt text each).
 * Returns the items' ids.
 */
export async function seedBurst(db: Db, options: { userId: string; channelId: string; label: string; n: number; at: Date; visual?: (i: number) => string }): Promise<string[]> {
  const { userId, label, at } = options;
  const items = await db
    .insertInto("content_items")
    .values(Array.from({ length: options.n }, () => ({ scheduled_at: at, local_date: "2030-01-01", local_time: "10:00", status: "scheduled" as const, source_language: "fr" as const, author_id: userId, updated_by: userId })))
    .returning("id")
    .execute();
  const visualsOf = (i: number, alt: string): Visual[] => (options.visual ? [{ hash: options.visual(i), kind: "image", alt, sameInBothLanguages: true, containsText: false }] : []);
  await db
    .insertInto("variants")
    .values(
      items.flatMap((item, i) => {
        const fr = { text: `Publication ${label} ${i} : votre déclaration.`, link_url: null, image_alt: null, visuals: visualsOf(i, `Visuel ${i}`) };
        const nl = { text: `Bericht ${label} ${i}: uw aangifte.`, link_url: null, image_alt: null, visuals: visualsOf(i, `Visual ${i}`) };
        const approved = { status: "approved" as const, approved_by: userId, approved_at: at };
        return [
          { content_item_id: item.id, language: "fr" as const, ...fr, visuals: JSON.stringify(fr.visuals), ...approved, approved_hash: contentHashOf(fr), source_hash: null },
          { content_item_id: item.id, language: "nl" as const, ...nl, visuals: JSON.stringify(nl.visuals), ...approved, approved_hash: contentHashOf(nl), source_hash: sourceHashOf("fr", [{ language: "fr", ...fr }]) },
        ];
      }),
    )
    .execute();
  const ids = items.map((i) => i.id);
  await db.insertInto("content_item_channels").values(ids.map((id) => ({ content_item_id: id, channel_id: options.channelId }))).execute();
  await sql`
    insert into publications (content_item_id, variant_id, channel_id, languages, state, due_at, next_attempt_at, deadline_at)
    select i.id, v.id, ${options.channelId}, 'fr+nl', 'scheduled', ${at}, ${at}, ${new Date(at.getTime() + 7_200_000)}
    from content_items i join variants v on v.content_item_id = i.id and v.language = 'fr'
    where i.id in (${sql.join(ids)})`.execute(db);
  return ids;
}

/** Waits until none of these items' publications is waiting or being sent. */
export async function untilSettled(db: Db, ids: readonly string[]): Promise<void> {
  for (;;) {
    const left = await db.selectFrom("publications").select((eb) => eb.fn.countAll<string>().as("n")).where("content_item_id", "in", ids).where("state", "in", ["scheduled", "sending"]).executeTakeFirstOrThrow();
    if (Number(left.n) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Each published publication's lag (its call's start − its due instant), in ms, sorted; throws unless all `ids` were published. */
export async function burstLags(db: Db, ids: readonly string[]): Promise<number[]> {
  const rows = await sql<{ lag: number }>`select extract(epoch from (sent_at - due_at)) * 1000 as lag from publications where state = 'published' and content_item_id in (${sql.join(ids)})`.execute(db);
  if (rows.rows.length !== ids.length) throw new Error(`only ${rows.rows.length} of ${ids.length} published`);
  return rows.rows.map((r) => Number(r.lag)).sort((a, b) => a - b);
}
