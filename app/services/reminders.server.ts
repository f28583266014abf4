import { z } from "zod";
import { listWorkItems } from "../../db/repositories/review";
import type { User } from "../../db/schema";
import { addBusinessDays } from "../domain/time/business-days";
import { addReminders, dismissReminder, listOpenReminders, usersWithRole } from "../../db/repositories/reminders";
import type { AppContext } from "./context.server";
import { todayIn, translatorQueue } from "./review-queues.server";

/** Reminders of translations and approvals due soon, once per person and item; each person's own list. */

export async function sendReminders(ctx: AppContext): Promise<{ translation: number; approval: number }> {
  const today = todayIn(ctx);
  const soon = addBusinessDays(today, 1);
  const inTwo = addBusinessDays(today, 2);
  const [tasks, translators, approvers] = await Promise.all([translatorQueue(ctx), usersWithRole(ctx.db, "translator"), usersWithRole(ctx.db, "approver")]);
  const translation = await addReminders(
    ctx.db,
    tasks
      .filter((task) => task.deadline <= soon)
      .flatMap((task) => translators.map((u) => ({ userId: u.id, itemId: task.itemId, kind: "translation" as const, language: task.language, dueDate: task.deadline }))),
  );
  const waiting = await listWorkItems(ctx.db, { from: ctx.now(), statuses: ["awaiting_approval"] });
  const approval = await addReminders(
    ctx.db,
    waiting
      .filter((row) => row.localDate <= inTwo)
      .flatMap((row) => approvers.filter((u) => u.id !== row.authorId).map((u) => ({ userId: u.id, itemId: row.id, kind: "approval" as const, language: null, dueDate: row.localDate }))),
  );
  return { translation, approval };
}

export async function myReminders(ctx: AppContext, user: User) {
  return await listOpenReminders(ctx.db, user.id);
}

export async function dismissMyReminder(ctx: AppContext, user: User, id: string): Promise<boolean> {
  return z.string().uuid().safeParse(id).success ? await dismissReminder(ctx.db, id, user.id) : false;
}
