import type { Db } from "../../db/client";
import { insertAuditEvent, type NewAuditEvent } from "../../db/repositories/audit-events";

export interface Actor {
  id: string | null;
  label: string;
}

/** A signed-in person as the author of an audit event. */
export function actorOf(user: { id: string; display_name: string }): Actor {
  return { id: user.id, label: user.display_name };
}

export const SYSTEM_ACTOR: Actor = { id: null, label: "system" };

/** Records one audit event; call it inside the same transaction as the change it describes. */
export async function audit(
  db: Db,
  actor: Actor,
  event: Omit<NewAuditEvent, "actorId" | "actorLabel">,
): Promise<void> {
  await insertAuditEvent(db, { ...event, actorId: actor.id, actorLabel: actor.label });
}
