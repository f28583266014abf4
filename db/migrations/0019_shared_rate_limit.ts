import { sql, type Kysely } from "kysely";

// Issue 19: the API's per-caller limit is counted in the database, so every web process shares it
// (decision 0024 supersedes the per-process window of decision 0012). One row per caller and
// minute; the purge job deletes windows older than ten minutes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table api_rate_windows (
      caller text not null,
      window_start timestamptz not null,
      count integer not null,
      primary key (caller, window_start)
    )`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table api_rate_windows`.execute(db);
}
