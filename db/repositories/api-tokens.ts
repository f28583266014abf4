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
