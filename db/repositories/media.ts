import { sql } from "kysely";
import type { Db } from "../client";
import type { MediaFilesTable } from "../schema";
import type { UploadedMedia } from "../../app/domain/visuals";
import type { Insertable } from "kysely";
import { CLAIMED_COLUMNS, claimedOf, notHeld, type ClaimedPublication, type ClaimedRow } from "./publication-claims";

/** Every statement of the media library. */

/** Records a file; a file already known (same hash) is kept as it is. Returns the stored row. */
export async function recordMediaFile(db: Db, row: Insertable<MediaFilesTable>) {
  // Uploaded again: whoever did it means to use it, so it is no longer counted as unused.
  await db.insertInto("media_files").values(row).onConflict((oc) => oc.column("hash").doUpdateSet({ unused_since: null })).execute();
  return await db.selectFrom("media_files").selectAll().where("hash", "=", row.hash).executeTakeFirstOrThrow();
}

export async function findMediaFile(db: Db, hash: string) {
  return await db.selectFrom("media_files").selectAll().where("hash", "=", hash).executeTakeFirst();
}

/** Marks the files no version uses any more (from now), and clears the mark of those used again. */
export async function markUnusedMedia(db: Db, now: Date): Promise<void> {
  await sql`
    with used as (select distinct v->>'hash' as hash from variants, jsonb_array_elements(visuals) v)
    update media_files m set unused_since = case when u.hash is null then ${now}::timestamptz else null end
    from media_files f left join used u on u.hash = f.hash
    where m.hash = f.hash and (m.unused_since is null) = (u.hash is null)`.execute(db);
}

/** The files unused since before `before`: to delete from the storage, then from the table. */
export async function unusedMediaBefore(db: Db, before: Date, limit: number) {
  return await db.selectFrom("media_files").select(["hash", "format"]).where("unused_since", "<", before).orderBy("unused_since").limit(limit).execute();
}

/** Deletes a file's row only if it is still unused (an editor may have attached it meanwhile). */
export async function deleteUnusedMedia(db: Db, hash: string, before: Date): Promise<boolean> {
  const r = await db
    .deleteFrom("media_files")
    .where("hash", "=", hash)
    .where("unused_since", "<", before)
    .where(sql<boolean>`not exists (select 1 from variants, jsonb_array_elements(visuals) v where v->>'hash' = ${hash})`)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The library's files that these hashes name, locked against the purge until the caller commits. */
export async function lockMediaFiles(db: Db, hashes: readonly string[]) {
  if (hashes.length === 0) return [];
  return await db.selectFrom("media_files").select(["hash", "kind"]).where("hash", "in", hashes).forShare().execute();
}

export interface RememberedMedia {
  publicationId: string;
  hash: string;
  id: string;
  at: Date;
  altDigest?: string;
}

const entryOf = (e: RememberedMedia): UploadedMedia => ({ id: e.id, at: e.at.toISOString(), ...(e.altDigest ? { altDigest: e.altDigest } : {}) });

/** The media a publication already uploaded (the network's ids, by file hash). */
export async function publicationMediaIds(db: Db, publicationId: string): Promise<Record<string, UploadedMedia>> {
  const row = await db.selectFrom("publications").select("media_ids").where("id", "=", publicationId).executeTakeFirst();
  return row?.media_ids ?? {};
}

/** Several publications' uploaded media at once (the publisher's burst), in the order asked. */
export async function publicationMediaIdsMany(db: Db, publicationIds: readonly string[]): Promise<Record<string, UploadedMedia>[]> {
  if (publicationIds.length === 0) return [];
  const rows = await db.selectFrom("publications").select(["id", "media_ids"]).where("id", "in", [...new Set(publicationIds)]).execute();
  const byId = new Map(rows.map((r) => [r.id, r.media_ids ?? {}]));
  return publicationIds.map((id) => byId.get(id) ?? {});
}

/**
 * Remembers several uploaded visuals' ids in one statement and one commit (the publisher's burst);
 * two ids for the same publication are merged. Each is stored before its post call.
 */
export async function rememberPublicationMediaMany(db: Db, entries: readonly RememberedMedia[]): Promise<void[]> {
  if (entries.length === 0) return [];
  const merged = new Map<string, Record<string, UploadedMedia>>();
  for (const e of entries) merged.set(e.publicationId, { ...(merged.get(e.publicationId) ?? {}), [e.hash]: entryOf(e) });
  const values = [...merged].map(([id, media]) => sql`(${id}::uuid, ${JSON.stringify(media)}::jsonb)`);
  await sql`update publications p set media_ids = p.media_ids || v.media from (values ${sql.join(values)}) as v(id, media) where p.id = v.id`.execute(db);
  return entries.map(() => undefined);
}

/** Stores one uploaded visual's id on its publication (only while it is `scheduled`, if asked); false when nothing was written. */
async function rememberOne(db: Db, entry: RememberedMedia, onlyWhileScheduled: boolean): Promise<boolean> {
  const r = await sql`
    update publications set media_ids = media_ids || jsonb_build_object(${entry.hash}::text, ${JSON.stringify(entryOf(entry))}::jsonb)
    where id = ${entry.publicationId} ${onlyWhileScheduled ? sql`and state = 'scheduled'` : sql``}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Remembers one uploaded visual's id for a publication, before the post call that attaches it. */
export async function rememberPublicationMedia(db: Db, entry: RememberedMedia): Promise<void> {
  await rememberOne(db, entry, false);
}

/**
 * Remembers a visual uploaded ahead of the minute, only while the publication is still waiting
 * ("scheduled"): once a publisher has claimed it, that publisher's own uploads are the ones its
 * post names, and a late stager must not overwrite them. False when nothing was written.
 */
export async function rememberStagedMedia(db: Db, entry: RememberedMedia): Promise<boolean> {
  return await rememberOne(db, entry, true);
}

/**
 * Takes up to `limit` publications whose visuals should go to their network now: waiting
 * ("scheduled"), due after `now` and no later than `horizon`, on an active channel, under no
 * hold, with at least one visual, and not looked at since `restageBefore`. Each is marked as
 * looked at in the same statement, so two stagers do not take the same one.
 */
export async function takePublicationsToStage(db: Db, now: Date, horizon: Date, restageBefore: Date, limit: number): Promise<ClaimedPublication[]> {
  const result = await sql<ClaimedRow>`
    with waiting as (
      select p.id from publications p
      join channels c on c.id = p.channel_id
      where p.state = 'scheduled' and p.next_attempt_at > ${now} and p.next_attempt_at <= ${horizon}
        and (p.media_staged_at is null or p.media_staged_at < ${restageBefore})
        and c.active and not c.needs_reconnect
        and ${notHeld(sql.ref("p"))}
        and exists (select 1 from variants v where v.content_item_id = p.content_item_id and v.visuals <> '[]'::jsonb)
      order by p.next_attempt_at, p.id
      limit ${limit}
      for update of p skip locked
    )
    update publications p set media_staged_at = ${now}
    from waiting where p.id = waiting.id
    returning ${CLAIMED_COLUMNS}`.execute(db);
  return result.rows.map(claimedOf);
}
