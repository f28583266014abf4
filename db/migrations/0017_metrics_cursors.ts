import { sql, type Kysely } from "kysely";

// Issue 17: where each channel's metrics reads stand: a network that refused (rate limit, outage,
// revoked token) is not asked again before `not_before`; the last refusal is shown to admins.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table metrics_cursors (
      channel_id uuid primary key references channels(id) on delete cascade,
      read_at timestamptz,
      not_before timestamptz,
      failures integer not null default 0,
      error_code text,
      error text
    )`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table metrics_cursors`.execute(db);
}
