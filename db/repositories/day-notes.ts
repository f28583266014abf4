import type { Insertable } from "kysely";
import type { Db } from "../client";
import type { DayNote, DayNotesTable } from "../schema";

/** Notes for the Brussels dates in [fromDate, toDate] inclusive. */
export async function listDayNotes(db: Db, fromDate: string, toDate: string): Promise<DayNote[]> {
  return await db
    .selectFrom("day_notes")
    .selectAll()
    .where("local_date", ">=", fromDate)
    .where("local_date", "<=", toDate)
    .orderBy("local_date")
    .orderBy("created_at")
    .execute();
}

export async function insertDayNote(db: Db, note: Insertable<DayNotesTable>): Promise<DayNote> {
  return await db.insertInto("day_notes").values(note).returningAll().executeTakeFirstOrThrow();
}
