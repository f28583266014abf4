import { sql } from "kysely";
import type { HistogramIncrement } from "../../app/domain/histogram";
import type { Db } from "../client";

/**
 * Adds increments to the all-time histogram totals, in one statement: a row is created at its
 * first observation, then only ever grows (bucket by bucket, count and sum), whichever process adds.
 */
export async function addHistogramIncrements(db: Db, increments: readonly HistogramIncrement[]): Promise<void> {
  if (increments.length === 0) return;
  // Sorted, so two processes adding to the same rows lock them in the same order.
  const rows = [...increments].sort((a, b) => `${a.metric} ${a.labels}`.localeCompare(`${b.metric} ${b.labels}`));
  await sql`
    insert into metric_totals as t (metric, labels, buckets, count, sum)
    select v.metric, v.labels, string_to_array(v.buckets, ',')::bigint[], v.count, v.sum
    from unnest(${rows.map((r) => r.metric)}::text[], ${rows.map((r) => r.labels)}::text[], ${rows.map((r) => r.buckets.join(","))}::text[],
                ${rows.map((r) => r.count)}::bigint[], ${rows.map((r) => r.sum)}::float8[]) as v(metric, labels, buckets, count, sum)
    on conflict (metric, labels) do update set
      buckets = array(select a + b from unnest(t.buckets, excluded.buckets) with ordinality as u(a, b, i) order by i),
      count = t.count + excluded.count,
      sum = t.sum + excluded.sum`.execute(db);
}

export interface HistogramTotal {
  metric: string;
  labels: string;
  buckets: number[];
  count: number;
  sum: number;
}

/** Every stored total. */
export async function listHistogramTotals(db: Db): Promise<HistogramTotal[]> {
  const rows = await db.selectFrom("metric_totals").select(["metric", "labels", sql<string>`array_to_string(buckets, ',')`.as("buckets"), "count", "sum"]).orderBy("metric").orderBy("labels").execute();
  return rows.map((r) => ({ metric: r.metric, labels: r.labels, buckets: r.buckets.split(",").map(Number), count: Number(r.count), sum: Number(r.sum) }));
}
