import { DateTime } from "luxon";
import { z } from "zod";
import { listAuditActions, listAuditEvents } from "../../db/repositories/audit-events";
import { listUsers } from "../../db/repositories/users";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import type { AppContext } from "./context.server";
import { UUID_PATTERN } from "./validation.server";

const PAGE = 100;
const uuid = z.string().regex(UUID_PATTERN);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** The audit page's filters from its URL; anything malformed is dropped rather than refused. */
function filtersOf(search: URLSearchParams) {
  const pick = <T>(schema: z.ZodType<T>, value: string | null): T | undefined => {
    const r = schema.safeParse(value ?? undefined);
    return r.success ? r.data : undefined;
  };
  const from = pick(day, search.get("from"));
  const to = pick(day, search.get("to"));
  const startOf = (d: string | undefined, plusDays = 0) => {
    if (!d) return undefined;
    const dt = DateTime.fromISO(d, { zone: BRUSSELS_ZONE });
    return dt.isValid ? dt.plus({ days: plusDays }).toJSDate() : undefined;
  };
  return {
    person: pick(uuid, search.get("person")),
    item: pick(uuid, search.get("item")),
    action: pick(z.string().min(1).max(80).regex(/^[a-z_.]+$/), search.get("action")),
    from,
    to,
    before: pick(z.coerce.number().int().min(1), search.get("before")),
    range: { from: startOf(from), to: startOf(to, 1) },
  };
}

/** Who did what, when, to what, with the before and after: newest first, a hundred at a time. */
export async function auditPage(ctx: AppContext, search: URLSearchParams) {
  const f = filtersOf(search);
  const [events, users, actions] = await Promise.all([
    listAuditEvents(ctx.db, { actorId: f.person, subjectId: f.item, action: f.action, from: f.range.from, to: f.range.to, beforeId: f.before }, PAGE + 1),
    listUsers(ctx.db),
    listAuditActions(ctx.db),
  ]);
  return {
    filters: { person: f.person ?? "", item: f.item ?? "", action: f.action ?? "", from: f.from ?? "", to: f.to ?? "" },
    people: users.map((u) => ({ id: u.id, name: u.display_name })),
    actions,
    events: events.slice(0, PAGE).map((e) => ({
      id: e.id,
      at: e.occurred_at.toISOString(),
      actor: e.actor_label,
      actorId: e.actor_id,
      action: e.action,
      subjectType: e.subject_type,
      subjectId: e.subject_id,
      before: e.before === null ? null : JSON.stringify(e.before, null, 2),
      after: e.after === null ? null : JSON.stringify(e.after, null, 2),
    })),
    nextBefore: events.length > PAGE ? events[PAGE - 1]!.id : null,
  };
}
