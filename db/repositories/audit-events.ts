import { sql } from "kysely";
import type { Db } from "../client";
import type { AuditEvent } from "../schema";

export interface NewAuditEvent {
  actorId: string | null;
  /** Who acted, as people will read it later even if the user is gone: "Anne Peeters", "scheduler". */
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  before?: unknown;
  after?: unknown;
}

export async function insertAuditEvent(db: Db, event: NewAuditEvent): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      actor_id: event.actorId,
      actor_label: event.actorLabel,
      action: event.action,
      subject_type: event.subjectType,
      subject_id: event.subjectId,
      before: event.before === undefined ? null : JSON.stringify(event.before),
      after: event.after === undefined ? null : JSON.stringify(event.after),
    })
    .execute();
}

export async function listAuditEventsForSubject(db: Db, subjectType: string, subjectId: string): Promise<AuditEvent[]> {
  return await db
    .selectFrom("audit_events")
    .selectAll()
    .where("subject_type", "=", subjectType)
    .where("subject_id", "=", subjectId)
    .orderBy("occurred_at")
    .orderBy("id")
    .execute();
}

export interface AuditFilter {
  actorId?: string;
  subjectId?: string;
  /** An action, or its family ("item." matches item.created, item.moved…). */
  action?: string;
  from?: Date;
  to?: Date;
  /** Events older than this id (the next page). */
  beforeId?: number;
}

/** Audit events, newest first, by person, subject, action and period; at most `limit`. */
export async function listAuditEvents(db: Db, filter: AuditFilter, limit: number): Promise<AuditEvent[]> {
  let q = db.selectFrom("audit_events").selectAll();
  if (filter.actorId) q = q.where("actor_id", "=", filter.actorId);
  if (filter.subjectId) q = q.where("subject_id", "=", filter.subjectId);
  if (filter.action) q = filter.action.endsWith(".") ? q.where("action", "like", `${filter.action.replace(/[%_\\]/g, "\\$&")}%`) : q.where("action", "=", filter.action);
  if (filter.from) q = q.where("occurred_at", ">=", filter.from);
  if (filter.to) q = q.where("occurred_at", "<", filter.to);
  if (filter.beforeId) q = q.where("id", "<", filter.beforeId);
  return await q.orderBy("id", "desc").limit(limit).execute();
}

/** The actions recorded so far, for the page's filter. */
export async function listAuditActions(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("audit_events").select("action").distinct().orderBy("action").execute();
  return rows.map((r) => r.action);
}

/** Failed sign-ins in the last `minutes` (audit time): for this account (as typed, case-folded) and from this address. */
export async function countRecentFailedSignIns(db: Db, account: string, address: string | null, minutes: number): Promise<{ account: number; address: number }> {
  const row = await db
    .selectFrom("audit_events")
    .select((eb) => [
      eb.fn.countAll<string>().filterWhere(sql<boolean>`lower(actor_label) = ${account.toLowerCase()}`).as("account"),
      eb.fn.countAll<string>().filterWhere(sql<boolean>`${address !== null} and "after"->>'address' = ${address ?? ""}`).as("address"),
    ])
    .where("action", "=", "auth.sign_in_failed")
    .where("occurred_at", ">=", sql<Date>`now() - make_interval(mins => ${minutes})`)
    .executeTakeFirstOrThrow();
  return { account: Number(row.account), address: Number(row.address) };
}
