import { sql, type Kysely } from "kysely";

// Issue 19: the publish lag and the jobs' durations as all-time totals that only grow, shared by
// every process (the publisher and the jobs run in the schedulers, /metrics is served by the web
// processes): one row per metric and label set, its cumulative bucket counts, count and sum.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table metric_totals (
      metric text not null,
      labels text not null,
      buckets bigint[] not null,
      count bigint not null,
      sum double precision not null,
      primary key (metric, labels)
    )`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table metric_totals`.execute(db);
}
