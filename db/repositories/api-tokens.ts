import { sql } from "kysely";
import type { Db } from "../client";

export async function insertApiToken(db: Db, token: { userId: string; name: string; tokenHash: string; scope: "read" | "write" }): Promise<{ id: string }> {
  return await db.insertInto("api_tokens").values({ user_id: token.userId, name: token.name, token_hash: token.tokenHash, scope: token.scope }).returning("id").executeTakeFirstOrThrow();
}

export async function listApiTokens(db: Db, userId: string) {
  return await db.selectFrom("api_tokens").select(["id", "name", "scope", "created_at", "last_used_at", "revoked_at"]).where("user_id", "=", userId).orderBy("created_at", "desc").execute();
}

export async function revokeApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db.updateTable("api_tokens").set({ revoked_at: sql<Date>`now()` }).where("id", "=", id).where("user_id", "=", userId).where("revoked_at", "is", null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The live token with this hash and its owner, and the time of use recorded, in one statement. */
export async function touchApiToken(db: Db, tokenHash: string) {
  const result = await sql<{ id: string; scope: "read" | "write"; user_id: string }>`
    update api_tokens set last_used_at = now()
    where token_hash = ${tokenHash} and revoked_at is null
    returning id, scope, user_id`.execute(db);
  return result.rows[0];
}

/**
 * Counts one request of a caller in the shared one-minute window and says how many the sliding
 * minute holds: this minute's count plus the previous minute's, weighed by how much of it still
 * falls in the last 60 seconds (the "sliding window counter"). One statement; every web process
 * counts in the same rows.
 */
export async function countApiRequest(db: Db, caller: string, now: Date): Promise<{ estimate: number; windowStart: Date }> {
  const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const previous = new Date(windowStart.getTime() - 60_000);
  const r = await sql<{ current: number; previous: number }>`
    with up as (
      insert into api_rate_windows (caller, window_start, count) values (${caller}, ${windowStart}, 1)
      on conflict (caller, window_start) do update set count = api_rate_windows.count + 1
      returning count
    )
    select (select count from up) as current,
      coalesce((select count from api_rate_windows where caller = ${caller} and window_start = ${previous}), 0) as previous`.execute(db);
  const row = r.rows[0]!;
  const elapsed = (now.getTime() - windowStart.getTime()) / 60_000;
  return { estimate: row.current + row.previous * (1 - elapsed), windowStart };
}

/** Forgets windows older than ten minutes (the purge job). */
export async function purgeApiRateWindows(db: Db, now: Date): Promise<number> {
  const r = await db.deleteFrom("api_rate_windows").where("window_start", "<", new Date(now.getTime() - 600_000)).executeTakeFirst();
  return Number(r.numDeletedRows);
}
