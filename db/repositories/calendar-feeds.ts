import { sql } from "kysely";
import type { Db } from "../client";

export async function insertCalendarFeed(
  db: Db,
  feed: { userId: string; name: string; tokenHash: string; channelIds: string[]; statuses: string[]; language: "fr" | "nl" },
): Promise<{ id: string }> {
  return await db
    .insertInto("calendar_feeds")
    .values({ user_id: feed.userId, name: feed.name, token_hash: feed.tokenHash, channel_ids: feed.channelIds, statuses: feed.statuses, language: feed.language })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export async function listCalendarFeeds(db: Db, userId: string) {
  return await db.selectFrom("calendar_feeds").selectAll().where("user_id", "=", userId).orderBy("created_at", "desc").execute();
}

export async function revokeCalendarFeed(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db.updateTable("calendar_feeds").set({ revoked_at: sql<Date>`now()` }).where("id", "=", id).where("user_id", "=", userId).where("revoked_at", "is", null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The live feed with this token hash, with its owner (who must still be active). */
export async function findLiveFeed(db: Db, tokenHash: string) {
  return await db
    .selectFrom("calendar_feeds as f")
    .innerJoin("users as u", "u.id", "f.user_id")
    .select(["f.id", "f.name", "f.channel_ids", "f.statuses", "f.language", "u.roles", "u.active", "f.user_id"])
    .where("f.token_hash", "=", tokenHash)
    .where("f.revoked_at", "is", null)
    .executeTakeFirst();
}

export async function touchCalendarFeed(db: Db, id: string): Promise<void> {
  await db.updateTable("calendar_feeds").set({ last_used_at: sql<Date>`now()` }).where("id", "=", id).execute();
}
