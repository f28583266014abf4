import { sql } from "kysely";
import type { Db } from "../client";

/** The crisis hold: holds live until released; what fell due meanwhile is listed for rescheduling. */

export interface HoldRow {
  id: string;
  scope: "all" | "channel" | "language";
  channelId: string | null;
  channelName: string | null;
  language: "fr" | "nl" | null;
  reason: string;
  heldBy: string;
  heldAt: Date;
}

export async function listLiveHolds(db: Db): Promise<HoldRow[]> {
  const rows = await db
    .selectFrom("publishing_holds as h")
    .innerJoin("users as u", "u.id", "h.held_by")
    .leftJoin("channels as c", "c.id", "h.channel_id")
    .select(["h.id", "h.scope", "h.channel_id", "c.name as channel_name", "h.language", "h.reason", "u.display_name", "h.held_at"])
    .where("h.released_at", "is", null)
    .orderBy("h.held_at")
    .execute();
  return rows.map((r) => ({ id: r.id, scope: r.scope, channelId: r.channel_id, channelName: r.channel_name, language: r.language, reason: r.reason, heldBy: r.display_name, heldAt: r.held_at }));
}

export async function insertHold(db: Db, hold: { scope: "all" | "channel" | "language"; channelId: string | null; language: "fr" | "nl" | null; reason: string; heldBy: string }): Promise<string> {
  const row = await db
    .insertInto("publishing_holds")
    .values({ scope: hold.scope, channel_id: hold.channelId, language: hold.language, reason: hold.reason, held_by: hold.heldBy })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Releases a live hold; returns it as it was, or undefined if it was not live. */
export async function releaseHoldRow(db: Db, id: string, by: string, at: Date) {
  return await db
    .updateTable("publishing_holds")
    .set({ released_by: by, released_at: at })
    .where("id", "=", id)
    .where("released_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * After a hold is released: the waiting publications it covered whose time passed meanwhile (and
 * that no other live hold still covers). They must not go out by themselves, late: they are
 * cancelled and their items marked "held", for a person to reschedule.
 */
export async function takePublicationsMissedDuringHold(db: Db, hold: { scope: string; channel_id: string | null; language: string | null }, now: Date): Promise<string[]> {
  const result = await sql<{ content_item_id: string }>`
    update publications p set state = 'cancelled', last_error_code = 'missed_during_hold',
      last_error = 'its time passed while publishing was held', updated_at = now()
    where p.state = 'scheduled' and p.due_at < ${now}
      and (${hold.scope} = 'all' or (${hold.scope} = 'channel' and p.channel_id = ${hold.channel_id})
           or (${hold.scope} = 'language' and position(${hold.language ?? ""} in p.languages) > 0))
      and not exists (
        select 1 from publishing_holds h where h.released_at is null
          and (h.scope = 'all' or (h.scope = 'channel' and h.channel_id = p.channel_id)
               or (h.scope = 'language' and position(h.language in p.languages) > 0)))
    returning p.content_item_id`.execute(db);
  const items = [...new Set(result.rows.map((r) => r.content_item_id))];
  if (items.length > 0) {
    await db
      .updateTable("content_items")
      .set((eb) => ({ status: "held", version: eb("version", "+", 1), updated_at: sql<Date>`now()` }))
      .where("id", "in", items)
      .where("status", "=", "scheduled")
      .execute();
  }
  return items;
}

export async function listItemsToReschedule(db: Db) {
  return await db
    .selectFrom("content_items as i")
    .select(["i.id", "i.local_date", "i.local_time", "i.version"])
    .where("i.status", "=", "held")
    .orderBy("i.scheduled_at")
    .limit(500)
    .execute();
}
