import { sql } from "kysely";
import type { Db } from "../client";

/** Adds the reminders not yet given (one per person, item, kind and language); returns how many are new. */
export async function addReminders(db: Db, rows: { userId: string; itemId: string; kind: "translation" | "approval"; language: string | null; dueDate: string }[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await sql<{ id: string }>`
    insert into reminders (user_id, content_item_id, kind, language, due_date)
    select * from unnest(${rows.map((r) => r.userId)}::uuid[], ${rows.map((r) => r.itemId)}::uuid[], ${rows.map((r) => r.kind)}::text[],
                         ${rows.map((r) => r.language ?? "")}::text[], ${rows.map((r) => r.dueDate)}::date[])
      as r(user_id, content_item_id, kind, language, due_date)
    on conflict (user_id, content_item_id, kind, coalesce(language, '')) do nothing
    returning id`.execute(db);
  return result.rows.length;
}

export async function listOpenReminders(db: Db, userId: string) {
  return await db
    .selectFrom("reminders as r")
    .innerJoin("content_items as i", "i.id", "r.content_item_id")
    .select(["r.id", "r.kind", "r.language", "r.due_date", "r.content_item_id", "i.local_date", "i.local_time"])
    .where("r.user_id", "=", userId)
    .where("r.dismissed_at", "is", null)
    .orderBy("r.due_date")
    .limit(200)
    .execute();
}

export async function dismissReminder(db: Db, id: string, userId: string): Promise<boolean> {
  const result = await db.updateTable("reminders").set({ dismissed_at: new Date() }).where("id", "=", id).where("user_id", "=", userId).where("dismissed_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function usersWithRole(db: Db, role: string): Promise<{ id: string }[]> {
  return await db.selectFrom("users").select("id").where(sql<boolean>`${role} = any(roles)`).where("active", "=", true).execute();
}
