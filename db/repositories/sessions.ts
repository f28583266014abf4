import type { Db } from "../client";
import type { User } from "../schema";

export async function insertSession(db: Db, session: { idHash: string; userId: string; expiresAt: Date }): Promise<void> {
  await db
    .insertInto("sessions")
    .values({ id_hash: session.idHash, user_id: session.userId, expires_at: session.expiresAt })
    .execute();
}

/** The active user behind a live session. */
export async function findSessionUser(db: Db, idHash: string, now: Date): Promise<User | undefined> {
  return await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .selectAll("users")
    .where("sessions.id_hash", "=", idHash)
    .where("sessions.expires_at", ">", now)
    .where("users.active", "=", true)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
