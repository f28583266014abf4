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

export async function findDayNote(db: Db, id: string): Promise<DayNote | undefined> {
  return await db.selectFrom("day_notes").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function updateDayNote(
  db: Db,
  change: { id: string; expectedVersion: number; localDate: string; textFr: string; textNl: string },
): Promise<DayNote | undefined> {
  return await db
    .updateTable("day_notes")
    .set((eb) => ({ local_date: change.localDate, text_fr: change.textFr, text_nl: change.textNl, updated_at: eb.fn("now"), version: eb("version", "+", 1) }))
    .where("id", "=", change.id)
    .where("version", "=", change.expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteDayNote(db: Db, id: string): Promise<void> {
  await db.deleteFrom("day_notes").where("id", "=", id).execute();
}
