import { z } from "zod";
import { listChannels } from "../../db/repositories/channels";
import { findPublication, listItemPublications, publishingHealthRows, setPublicationState } from "../../db/repositories/publications";
import { listOutboxMessages } from "../../db/repositories/outbox";
import { insertHold, listItemsToReschedule, listLiveHolds, releaseHoldRow, takePublicationsMissedDuringHold, type HoldRow } from "../../db/repositories/publishing-holds";
import { setChannelReconnected } from "../../db/repositories/channels";
import type { User } from "../../db/schema";
import { can } from "../domain/permissions";
import type { MessageKey } from "../i18n";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { RETRY_WINDOW_MS } from "./publication-plan.server";

/**
 * What people do around publishing: the crisis hold, a publication's retry / cancel / "published
 * after checking by hand", the health page. Each change is audited.
 */

export type AdminResult = { ok: true; rescheduleItems?: string[] } | { ok: false; key: MessageKey };

const holdSchema = z.object({
  scope: z.enum(["all", "channel", "language"]),
  channelId: z.string().uuid().optional().or(z.literal("").transform(() => undefined)),
  language: z.enum(["fr", "nl"]).optional().or(z.literal("").transform(() => undefined)),
  reason: z.string().max(1000).transform((s) => s.normalize("NFC").trim()),
});

/** The crisis switch: holds every scheduled publication, or one channel's, or one language's. */
export async function holdPublishing(ctx: AppContext, user: User, input: unknown): Promise<AdminResult> {
  if (!can(user.roles, "publishing.hold")) return { ok: false, key: "error.forbidden.body" };
  const parsed = holdSchema.safeParse(input);
  if (!parsed.success) return { ok: false, key: "validation.invalid" };
  const h = parsed.data;
  if (h.reason.length < 3) return { ok: false, key: "hold.reasonRequired" };
  if (h.scope === "channel" && !h.channelId) return { ok: false, key: "hold.chooseChannel" };
  if (h.scope === "language" && !h.language) return { ok: false, key: "hold.chooseLanguage" };
  await ctx.db.transaction().execute(async (tx) => {
    const id = await insertHold(tx, {
      scope: h.scope,
      channelId: h.scope === "channel" ? (h.channelId ?? null) : null,
      language: h.scope === "language" ? (h.language ?? null) : null,
      reason: h.reason,
      heldBy: user.id,
    });
    await audit(tx, actorOf(user), { action: "publishing.held", subjectType: "publishing_hold", subjectId: id, after: { scope: h.scope, channelId: h.channelId, language: h.language, reason: h.reason } });
  });
  ctx.log.warn("publishing held", { scope: h.scope, channelId: h.channelId, language: h.language, by: user.id });
  return { ok: true };
}

/**
 * Releases a hold. Publications whose time passed during it do not go out by themselves: they are
 * cancelled and their items listed (status "held") for rescheduling.
 */
export async function releaseHold(ctx: AppContext, user: User, holdId: string): Promise<AdminResult> {
  if (!can(user.roles, "publishing.hold")) return { ok: false, key: "error.forbidden.body" };
  if (!z.string().uuid().safeParse(holdId).success) return { ok: false, key: "error.notFound.body" };
  return await ctx.db.transaction().execute(async (tx): Promise<AdminResult> => {
    const hold = await releaseHoldRow(tx, holdId, user.id, ctx.now());
    if (!hold) return { ok: false, key: "hold.notLive" };
    const missed = await takePublicationsMissedDuringHold(tx, hold, ctx.now());
    await audit(tx, actorOf(user), { action: "publishing.released", subjectType: "publishing_hold", subjectId: holdId, before: { reason: hold.reason }, after: { toReschedule: missed } });
    ctx.log.warn("publishing released", { hold: holdId, toReschedule: missed.length, by: user.id });
    return { ok: true, rescheduleItems: missed };
  });
}

export async function liveHolds(ctx: AppContext): Promise<HoldRow[]> {
  return await listLiveHolds(ctx.db);
}

const actionSchema = z.object({
  action: z.enum(["retry", "cancel", "confirm"]),
  remoteUrl: z
    .string()
    .max(2000)
    .optional()
    .transform((s) => (s ?? "").trim())
    .refine((s) => s === "" || /^https?:\/\/\S+$/i.test(s), "validation.url"),
});

/**
 * A person's decision on one publication: retry now (a failed or unconfirmed one, within a new
 * retry window), cancel it, or confirm it went out after checking the account by hand.
 */
export async function actOnPublication(ctx: AppContext, user: User, publicationId: string, input: unknown): Promise<AdminResult> {
  if (!can(user.roles, "publication.manage")) return { ok: false, key: "error.forbidden.body" };
  if (!z.string().uuid().safeParse(publicationId).success) return { ok: false, key: "error.notFound.body" };
  const parsed = actionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, key: parsed.error.issues[0]?.message === "validation.url" ? "validation.url" : "validation.invalid" };
  const { action, remoteUrl } = parsed.data;
  return await ctx.db.transaction().execute(async (tx): Promise<AdminResult> => {
    const p = await findPublication(tx, publicationId);
    if (!p) return { ok: false, key: "error.notFound.body" };
    const now = ctx.now();
    const done =
      action === "retry"
        ? await setPublicationState(tx, p.id, ["failed", "unconfirmed"], { state: "scheduled", nextAttemptAt: now, deadlineAt: new Date(now.getTime() + RETRY_WINDOW_MS), errorCode: null, error: null })
        : action === "cancel"
          ? await setPublicationState(tx, p.id, ["scheduled", "failed", "unconfirmed"], { state: "cancelled" })
          : await setPublicationState(tx, p.id, ["failed", "unconfirmed"], { state: "published", publishedAt: now, remoteUrl: remoteUrl || p.remote_url, errorCode: null, error: null });
    if (!done) return { ok: false, key: "publication.notNow" };
    await audit(tx, actorOf(user), {
      action: `publication.${action === "confirm" ? "confirmed" : action === "retry" ? "retried" : "cancelled"}`,
      subjectType: "content_item",
      subjectId: p.content_item_id,
      before: { publication: p.id, state: p.state, error: p.last_error },
      after: { publication: p.id, ...(remoteUrl ? { remoteUrl } : {}) },
    });
    return { ok: true };
  });
}

/** A channel fixed (new credentials): its waiting publications may go again. */
export async function markChannelReconnected(ctx: AppContext, user: User, channelId: string): Promise<AdminResult> {
  if (!can(user.roles, "channels.manage")) return { ok: false, key: "error.forbidden.body" };
  if (!z.string().uuid().safeParse(channelId).success) return { ok: false, key: "error.notFound.body" };
  await ctx.db.transaction().execute(async (tx) => {
    await setChannelReconnected(tx, channelId);
    await audit(tx, actorOf(user), { action: "channel.reconnected", subjectType: "channel", subjectId: channelId });
  });
  return { ok: true };
}

export async function itemPublications(ctx: AppContext, itemId: string) {
  return z.string().uuid().safeParse(itemId).success ? await listItemPublications(ctx.db, itemId) : [];
}

export async function publishingHealth(ctx: AppContext) {
  const [rows, holds, reschedule, channels] = await Promise.all([
    publishingHealthRows(ctx.db, ctx.now()),
    listLiveHolds(ctx.db),
    listItemsToReschedule(ctx.db),
    listChannels(ctx.db, { activeOnly: true }),
  ]);
  return { ...rows, holds, reschedule, channels };
}

/** The local outbox's latest messages, newest first. */
export async function outboxMessages(ctx: AppContext, limit = 200) {
  return await listOutboxMessages(ctx.db, limit);
}
