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
