import { sql, type Kysely } from "kysely";

// The scheduler's heartbeat (issue 20): each scheduler process upserts its row every few seconds,
// by the database's clock, so every web process on every machine can tell whether one is alive.
// A clean stop deletes the row; rows a day old are removed by the next beat.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table scheduler_heartbeats (
      instance text primary key,
      host text not null,
      pid integer not null,
      started_at timestamptz not null,
      beat_at timestamptz not null default now()
    )`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table scheduler_heartbeats`.execute(db);
}
