import { sql } from "kysely";
import type { Db } from "../client";

export interface HeartbeatInstance {
  instance: string;
  host: string;
  pid: number;
  startedAt: Date;
}

/** One beat of a scheduler process, by the database's clock; also drops rows a day old (schedulers that died long ago). */
export async function beat(db: Db, who: HeartbeatInstance): Promise<void> {
  await db
    .insertInto("scheduler_heartbeats")
    .values({ instance: who.instance, host: who.host, pid: who.pid, started_at: who.startedAt, beat_at: sql<Date>`now()` })
    .onConflict((oc) => oc.column("instance").doUpdateSet({ beat_at: sql<Date>`now()` }))
    .execute();
  await db.deleteFrom("scheduler_heartbeats").where("beat_at", "<", sql<Date>`now() - interval '1 day'`).execute();
}

/** A clean stop: this scheduler no longer beats. */
export async function endHeartbeat(db: Db, instance: string): Promise<void> {
  await db.deleteFrom("scheduler_heartbeats").where("instance", "=", instance).execute();
}

/** Seconds since the freshest beat of any scheduler, by the database's clock; null if none beats. */
export async function freshestHeartbeatAge(db: Db): Promise<number | null> {
  const row = await db
    .selectFrom("scheduler_heartbeats")
    .select(sql<string | null>`extract(epoch from now() - max(beat_at))`.as("age"))
    .executeTakeFirst();
  return row?.age === null || row?.age === undefined ? null : Math.max(0, Number(row.age));
}
