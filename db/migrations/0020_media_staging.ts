import { sql, type Kysely } from "kysely";

// Issue 15: a post's visuals are uploaded to the network in the minutes before its minute
// (staging), so that at the minute only the post call remains. The column says when the stager
// last looked at the publication; the network's ids stay in media_ids as before.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table publications add column media_staged_at timestamptz`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table publications drop column media_staged_at`.execute(db);
}
