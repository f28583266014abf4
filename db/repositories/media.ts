import type { Db } from "../client";
import type { MediaFilesTable } from "../schema";
import type { Insertable } from "kysely";

/** Every statement of the media library. */

/** Records a file; a file already known (same hash) is kept as it is. Returns the stored row. */
export async function recordMediaFile(db: Db, row: Insertable<MediaFilesTable>) {
  await db.insertInto("media_files").values(row).onConflict((oc) => oc.column("hash").doNothing()).execute();
  return await db.selectFrom("media_files").selectAll().where("hash", "=", row.hash).executeTakeFirstOrThrow();
}

export async function findMediaFile(db: Db, hash: string) {
  return await db.selectFrom("media_files").selectAll().where("hash", "=", hash).executeTakeFirst();
}
