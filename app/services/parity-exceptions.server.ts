import { z } from "zod";
import { decideException, findPairRows, insertException } from "../../db/repositories/review";
import type { User } from "../../db/schema";
import { approvalRefusal, PLANNING_STATUSES } from "../domain/pairing";
import { can } from "../domain/permissions";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { fail, lockForChange, settleStatus, type ReviewResult } from "./review.server";
import { teamSettings } from "./settings.server";

/** Exceptions to the parity rule: an editor asks to publish in one language only, an approver decides. */

const exceptionSchema = z.object({
  version: z.coerce.number().int().min(1),
  language: z.enum(["fr", "nl"]),
  reason: z.string().max(2000).transform((s) => s.normalize("NFC").trim()),
});

/** An editor asks to publish an item in one language only, saying why; an approver decides. */
export async function requestException(ctx: AppContext, user: User, itemId: string, input: unknown): Promise<ReviewResult> {
  if (!can(user.roles, "item.write")) return fail("error.forbidden.body");
  const parsed = exceptionSchema.safeParse(input);
  if (!parsed.success) return fail("validation.invalid");
  if (parsed.data.reason.length < 10) return fail("review.exceptionReasonRequired");
  return await ctx.db.transaction().execute(async (tx): Promise<ReviewResult> => {
    const locked = await lockForChange(tx, itemId, parsed.data.version);
    if ("ok" in locked) return locked;
    if (!PLANNING_STATUSES.includes(locked.status)) return fail("review.notInPreparation");
    const rows = (await findPairRows(tx, itemId))!;
    if (rows.exception) return fail("review.exceptionExists");
    await insertException(tx, { itemId, language: parsed.data.language, reason: parsed.data.reason, requestedBy: user.id });
    const item = await settleStatus(tx, itemId, user, ctx.now());
    await audit(tx, actorOf(user), { action: "parity_exception.requested", subjectType: "content_item", subjectId: itemId, after: { language: parsed.data.language, reason: parsed.data.reason } });
    return { ok: true, version: item.version, status: item.status };
  });
}

const decisionSchema = z.object({
  version: z.coerce.number().int().min(1),
  decision: z.enum(["approve", "reject"]),
  comment: z
    .string()
    .max(2000)
    .optional()
    .transform((s) => (s ?? "").normalize("NFC").trim()),
});

export async function decideExceptionRequest(ctx: AppContext, user: User, itemId: string, input: unknown): Promise<ReviewResult> {
  if (!can(user.roles, "item.approve")) return fail("error.forbidden.body");
  const parsed = decisionSchema.safeParse(input);
  if (!parsed.success) return fail("validation.invalid");
  const { version, decision, comment } = parsed.data;
  if (decision === "reject" && comment === "") return fail("review.commentRequired");
  const settings = await teamSettings(ctx.db);
  return await ctx.db.transaction().execute(async (tx): Promise<ReviewResult> => {
    const locked = await lockForChange(tx, itemId, version);
    if ("ok" in locked) return locked;
    const rows = (await findPairRows(tx, itemId))!;
    if (!rows.exception || rows.exception.status !== "requested") return fail("review.noExceptionRequested");
    if (approvalRefusal({ roles: user.roles, userId: user.id, authorId: rows.exception.requestedBy, fourEyesRelaxed: settings.fourEyesRelaxed }) === "ownItem") {
      return fail("review.ownException");
    }
    await decideException(tx, rows.exception.id, { status: decision === "approve" ? "approved" : "rejected", by: user.id, at: ctx.now(), comment: comment || null });
    const item = await settleStatus(tx, itemId, user, ctx.now());
    await audit(tx, actorOf(user), {
      action: decision === "approve" ? "parity_exception.approved" : "parity_exception.rejected",
      subjectType: "content_item",
      subjectId: itemId,
      after: { language: rows.exception.language, reason: rows.exception.reason, comment },
    });
    return { ok: true, version: item.version, status: item.status };
  });
}

export async function withdrawException(ctx: AppContext, user: User, itemId: string, version: number): Promise<ReviewResult> {
  if (!can(user.roles, "item.write")) return fail("error.forbidden.body");
  return await ctx.db.transaction().execute(async (tx): Promise<ReviewResult> => {
    const locked = await lockForChange(tx, itemId, version);
    if ("ok" in locked) return locked;
    const rows = (await findPairRows(tx, itemId))!;
    if (!rows.exception) return fail("review.noExceptionRequested");
    await decideException(tx, rows.exception.id, { status: "withdrawn", by: user.id, at: ctx.now(), comment: null });
    const item = await settleStatus(tx, itemId, user, ctx.now());
    await audit(tx, actorOf(user), { action: "parity_exception.withdrawn", subjectType: "content_item", subjectId: itemId, before: { language: rows.exception.language } });
    return { ok: true, version: item.version, status: item.status };
  });
}
