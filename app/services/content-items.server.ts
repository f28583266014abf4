import { z } from "zod";
import { listAuditEventsForSubject } from "../../db/repositories/audit-events";
import { listChannels } from "../../db/repositories/channels";
import {
  countPublishedPublications,
  deleteItem as deleteItemRow,
  findContentItem,
  findItemDetail,
  insertContentItem,
  lockItem,
  replaceItemChannels,
  replaceItemTags,
  setItemStatus,
  updateItemFields,
  updateItemSchedule,
  upsertVariant,
  type ItemDetail,
} from "../../db/repositories/content-items";
import { listRecurringQuestions } from "../../db/repositories/recurring-questions";
import { findUserById } from "../../db/repositories/users";
import type { Channel, ContentItem, ItemStatus, User } from "../../db/schema";
import { measureText, type LengthCheck } from "../domain/channel-text";
import { bilingualText, canArchive, canDelete, decideSchedule, languagesForChannel, type SchedulingRefusal } from "../domain/item-schedule";
import { resolveLocalTime } from "../domain/time/brussels";
import { can } from "../domain/permissions";
import { actorOf, audit } from "./audit.server";
import { updateItemStatus } from "../../db/repositories/review";
import { settleStatus } from "./review.server";
import { sourceHashOf } from "../domain/approval-hash.server";
import type { AppContext } from "./context.server";
import { toFieldErrors, type FieldErrors, UUID_PATTERN } from "./validation.server";

/** Who changed an item last and when, for a refused move or save. */
export interface ConflictInfo {
  byName: string;
  at: string;
  current: { id: string; localDate: string; localTime: string; version: number; status: string };
}

async function conflictInfo(ctx: AppContext, item: ContentItem): Promise<ConflictInfo> {
  const by = item.updated_by ? await findUserById(ctx.db, item.updated_by) : undefined;
  return {
    byName: by?.display_name ?? "",
    at: item.updated_at.toISOString(),
    current: { id: item.id, localDate: item.local_date, localTime: item.local_time, version: item.version, status: item.status },
  };
}

export type MoveResult =
  | { ok: true; item: { id: string; localDate: string; localTime: string; version: number; scheduledAt: string } }
  | { ok: false; error: "not_found" | "forbidden" }
  | { ok: false; error: "refused"; refusal: SchedulingRefusal; current: ConflictInfo["current"] }
  | { ok: false; error: "conflict"; conflict: ConflictInfo };

export const moveSchema = z.object({
  localDate: z.string().max(10),
  localTime: z.string().max(5),
  occurrence: z.enum(["first", "second"]).optional(),
  version: z.coerce.number().int().min(1),
});

/**
 * Moves an item to another Brussels date and time, if it has not changed since the caller read it
 * (`version`). Checks the target is real (DST), in the future, and the item has not gone out. Audited.
 */
export async function moveItem(ctx: AppContext, user: User, itemId: string, input: unknown): Promise<MoveResult> {
  if (!can(user.roles, "item.move")) return { ok: false, error: "forbidden" };
  if (!UUID_PATTERN.test(itemId)) return { ok: false, error: "not_found" };
  const parsed = moveSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "refused", refusal: { reason: "invalid" }, current: await currentOf(ctx, itemId) };
  const target = parsed.data;
  return await ctx.db.transaction().execute(async (tx): Promise<MoveResult> => {
    const item = await lockItem(tx, itemId);
    if (!item) return { ok: false, error: "not_found" };
    if (item.version !== target.version) return { ok: false, error: "conflict", conflict: await conflictInfo({ ...ctx, db: tx }, item) };
    const decision = decideSchedule({ now: ctx.now(), status: item.status, localDate: target.localDate, localTime: target.localTime, occurrence: target.occurrence });
    const current = { id: item.id, localDate: item.local_date, localTime: item.local_time, version: item.version, status: item.status };
    if (!decision.ok) return { ok: false, error: "refused", refusal: decision.refusal, current };
    const moved = await updateItemSchedule(tx, {
      id: item.id,
      expectedVersion: item.version,
      scheduledAt: decision.scheduledAt,
      localDate: decision.localDate,
      localTime: decision.localTime,
      occurrence: decision.occurrence,
      updatedBy: user.id,
    });
    if (!moved) return { ok: false, error: "conflict", conflict: await conflictInfo({ ...ctx, db: tx }, (await lockItem(tx, itemId))!) };
    // An item held over a crisis goes back through the parity rule at its new time.
    if (item.status === "held") await updateItemStatus(tx, item.id, "awaiting_approval", user.id, { countAsVersion: false });
    // Its publications follow it to the new time.
    await settleStatus(tx, item.id, user, ctx.now(), { alreadyCounted: true });
    await audit(tx, actorOf(user), {
      action: "item.moved",
      subjectType: "content_item",
      subjectId: item.id,
      before: { localDate: item.local_date, localTime: item.local_time, scheduledAt: item.scheduled_at.toISOString() },
      after: { localDate: moved.local_date, localTime: moved.local_time, scheduledAt: moved.scheduled_at.toISOString() },
    });
    return {
      ok: true,
      item: { id: moved.id, localDate: moved.local_date, localTime: moved.local_time, version: moved.version, scheduledAt: moved.scheduled_at.toISOString() },
    };
  });
}

async function currentOf(ctx: AppContext, itemId: string) {
  const item = await findContentItem(ctx.db, itemId);
  return item
    ? { id: item.id, localDate: item.local_date, localTime: item.local_time, version: item.version, status: item.status }
    : { id: itemId, localDate: "", localTime: "", version: 0, status: "" };
}

const optionalText = (max: number) =>
  z
    .string()
    .max(max, "validation.tooLong")
    .optional()
    .transform((s) => (s ?? "").normalize("NFC").replace(/\r\n/g, "\n").trim());

const optionalUrl = z
  .string()
  .max(2048, "validation.tooLong")
  .optional()
  .transform((s) => (s ?? "").trim())
  .refine((s) => s === "" || /^https?:\/\/[^\s]+$/i.test(s), "validation.url");

const uuid = z.string().regex(UUID_PATTERN, "validation.invalid");

export const itemFormSchema = z.object({
  version: z.coerce.number().int().min(1).optional(),
  localDate: z.string({ message: "validation.required" }).min(1, "validation.required").max(10, "validation.invalid"),
  localTime: z.string({ message: "validation.required" }).min(1, "validation.required").max(5, "validation.invalid"),
  occurrence: z.enum(["first", "second"]).optional(),
  sourceLanguage: z.enum(["fr", "nl"], "validation.invalid").default("fr"),
  frText: optionalText(63_206),
  frLink: optionalUrl,
  frAlt: optionalText(1000),
  nlText: optionalText(63_206),
  nlLink: optionalUrl,
  nlAlt: optionalText(1000),
  channelIds: z.array(uuid, "validation.channels").min(1, "validation.channels").max(50),
  tagIds: z.array(uuid).max(20).default([]),
});

export type ItemFormInput = z.infer<typeof itemFormSchema>;

export interface ChannelCheck {
  channelId: string;
  checks: (LengthCheck & { language: "fr" | "nl" | "both" })[];
}

/** Every selected channel's length checks for the texts it will receive. */
export function channelChecks(data: Pick<ItemFormInput, "frText" | "frLink" | "nlText" | "nlLink" | "channelIds">, channels: Channel[]): ChannelCheck[] {
  const selected = channels.filter((c) => data.channelIds.includes(c.id));
  return selected.map((channel) => {
    if (channel.language === "bilingual") {
      const text = bilingualText({ fr: data.frText, nl: data.nlText });
      return { channelId: channel.id, checks: [{ ...measureText(channel.network, text, data.frLink || data.nlLink || null), language: "both" as const }] };
    }
    const checks = languagesForChannel(channel.language).map((lang) => ({
      ...measureText(channel.network, lang === "fr" ? data.frText : data.nlText, (lang === "fr" ? data.frLink : data.nlLink) || null),
      language: lang,
    }));
    return { channelId: channel.id, checks };
  });
}

export type SaveResult =
  | { ok: true; id: string; version: number; approvalWithdrawn: boolean; lengthProblems: ChannelCheck[] }
  | { ok: false; errors: FieldErrors; conflict?: ConflictInfo; proposal?: { localDate: string; localTime: string } };

const REVIEWED: ItemStatus[] = ["awaiting_approval", "scheduled", "held"];

/**
 * Creates (no id) or updates an item: both texts, links and alt texts, channels, date and time, tags.
 * Texts over a channel's limit are saved as work in progress but block scheduling: a scheduled item
 * cannot be saved with one. Changing the text of a reviewed item withdraws its approval.
 */
export async function saveItem(ctx: AppContext, user: User, itemId: string | null, input: unknown, options: { inTransaction?: boolean } = {}): Promise<SaveResult> {
  if (!can(user.roles, "item.write")) return { ok: false, errors: { _form: { key: "error.forbidden.body" } } };
  const parsed = itemFormSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const data = parsed.data;
  const sourceText = data.sourceLanguage === "fr" ? data.frText : data.nlText;
  if (sourceText === "") return { ok: false, errors: { [`${data.sourceLanguage}Text`]: { key: "validation.sourceRequired" } } };

  const channels = await listChannels(ctx.db);
  const known = new Set(channels.filter((c) => c.active).map((c) => c.id));
  if (data.channelIds.some((id) => !known.has(id))) return { ok: false, errors: { channelIds: { key: "validation.channels" } } };
  const questionIds = new Set((await listRecurringQuestions(ctx.db)).map((q) => q.id));
  if (data.tagIds.some((id) => !questionIds.has(id))) return { ok: false, errors: { tagIds: { key: "validation.invalid" } } };
  const checks = channelChecks(data, channels);
  const lengthProblems = checks.filter((c) => c.checks.some((check) => !check.ok && (check.length > check.limit || (check.bytes && check.bytes.length > check.bytes.limit))));

  // Inside a caller's transaction (a spreadsheet import writes all its rows or none), or in its own.
  const run = <T>(work: (tx: typeof ctx.db) => Promise<T>): Promise<T> => (options.inTransaction ? work(ctx.db) : ctx.db.transaction().execute(work));
  return await run(async (tx): Promise<SaveResult> => {
    const existing = itemId ? await lockItem(tx, itemId) : undefined;
    if (itemId && !existing) return { ok: false, errors: { _form: { key: "error.notFound.body" } } };
    const status = existing?.status ?? "draft";
    const decision = decideSchedule({ now: ctx.now(), status, localDate: data.localDate, localTime: data.localTime, occurrence: data.occurrence });
    const unchangedTime = existing && existing.local_date === data.localDate && existing.local_time === data.localTime;
    if (existing && existing.version !== data.version) {
      return { ok: false, errors: { _form: { key: "item.conflict" } }, conflict: await conflictInfo({ ...ctx, db: tx }, existing) };
    }
    if (!decision.ok && !(unchangedTime && decision.refusal.reason === "fixed")) {
      const r = decision.refusal;
      if (r.reason === "nonexistent") return { ok: false, errors: { localTime: { key: "schedule.nonexistent", params: { time: r.proposal.localTime } } }, proposal: r.proposal };
      if (r.reason === "past" && !(existing && unchangedTime)) return { ok: false, errors: { localDate: { key: "schedule.past" } } };
      if (r.reason === "fixed") return { ok: false, errors: { _form: { key: "schedule.fixed" } } };
      if (r.reason === "invalid") return { ok: false, errors: { localDate: { key: "validation.date" } } };
    }
    if (lengthProblems.length > 0 && status === "scheduled") return { ok: false, errors: { _form: { key: "item.lengthBlocksScheduled" } } };
    const resolved = decideSchedule({ now: new Date(0), status: "draft", localDate: data.localDate, localTime: data.localTime, occurrence: data.occurrence });
    if (!resolved.ok) return { ok: false, errors: { localDate: { key: "validation.date" } } };

    const before = existing ? await findItemDetail(tx, existing.id) : undefined;
    const textChanged =
      !!before &&
      (["fr", "nl"] as const).some((lang) => {
        const v = before.variants.find((x) => x.language === lang);
        const next = lang === "fr" ? [data.frText, data.frLink, data.frAlt] : [data.nlText, data.nlLink, data.nlAlt];
        return (v?.text ?? "") !== next[0] || (v?.linkUrl ?? "") !== next[1] || (v?.imageAlt ?? "") !== next[2];
      });
    // Approval is of the exact text: changing an approved or submitted text sends it back to review.
    const approvalWithdrawn = textChanged && REVIEWED.includes(status);

    let id: string;
    let version: number;
    if (!existing) {
      const created = await insertContentItem(
        tx,
        {
          scheduled_at: resolved.scheduledAt,
          local_date: resolved.localDate,
          local_time: resolved.localTime,
          occurrence: resolved.occurrence,
          status: "draft",
          source_language: data.sourceLanguage,
          author_id: user.id,
          updated_by: user.id,
        },
        [],
        data.channelIds,
      );
      id = created.id;
      version = created.version;
    } else {
      const updated = await updateItemFields(tx, {
        id: existing.id,
        expectedVersion: existing.version,
        scheduledAt: resolved.scheduledAt,
        localDate: resolved.localDate,
        localTime: resolved.localTime,
        occurrence: resolved.occurrence,
        sourceLanguage: data.sourceLanguage,
        updatedBy: user.id,
      });
      if (!updated) return { ok: false, errors: { _form: { key: "item.conflict" } }, conflict: await conflictInfo({ ...ctx, db: tx }, (await lockItem(tx, existing.id))!) };
      id = updated.id;
      version = updated.version;
      await replaceItemChannels(tx, id, data.channelIds);
    }
    // The source's hash as it will be: a translation the editor writes here is made from it; a
    // translation left as it was keeps the hash it had, and turns stale if the source changed.
    const visualsOf = (lang: "fr" | "nl") => before?.variants.find((v) => v.language === lang)?.visuals ?? [];
    const sourceHash = sourceHashOf(data.sourceLanguage, [
      { language: "fr", text: data.frText, link_url: data.frLink || null, image_alt: null, visuals: visualsOf("fr") },
      { language: "nl", text: data.nlText, link_url: data.nlLink || null, image_alt: null, visuals: visualsOf("nl") },
    ]);
    for (const lang of ["fr", "nl"] as const) {
      const text = lang === "fr" ? data.frText : data.nlText;
      const link = (lang === "fr" ? data.frLink : data.nlLink) || null;
      const alt = (lang === "fr" ? data.frAlt : data.nlAlt) || null;
      const previous = before?.variants.find((v) => v.language === lang);
      const changed = !previous || previous.text !== text || (previous.linkUrl ?? null) !== link || (previous.imageAlt ?? null) !== alt;
      const isTarget = lang !== data.sourceLanguage;
      await upsertVariant(tx, {
        contentItemId: id,
        language: lang,
        text,
        linkUrl: link,
        imageAlt: alt,
        status: text === "" ? "missing" : changed || approvalWithdrawn ? "draft" : previous.status,
        ...(isTarget && changed && text !== ""
          ? { sourceHash, sourceText: lang === "fr" ? data.nlText : data.frText, translatedBy: user.id, translatedAt: ctx.now() }
          : !isTarget
            ? { sourceHash: null, sourceText: null }
            : {}),
      });
    }
    await replaceItemTags(tx, id, data.tagIds);
    version = (await settleStatus(tx, id, user, ctx.now(), { alreadyCounted: true })).version;
    const snapshot = {
      localDate: resolved.localDate,
      localTime: resolved.localTime,
      frText: data.frText,
      nlText: data.nlText,
      frLink: data.frLink,
      nlLink: data.nlLink,
      channelIds: data.channelIds,
      tagIds: data.tagIds,
    };
    await audit(tx, actorOf(user), {
      action: existing ? "item.updated" : "item.created",
      subjectType: "content_item",
      subjectId: id,
      before: before
        ? {
            localDate: before.item.local_date,
            localTime: before.item.local_time,
            frText: before.variants.find((v) => v.language === "fr")?.text ?? "",
            nlText: before.variants.find((v) => v.language === "nl")?.text ?? "",
            channelIds: before.channelIds,
            tagIds: before.tagIds,
          }
        : undefined,
      after: { ...snapshot, ...(approvalWithdrawn ? { approvalWithdrawn: true } : {}) },
    });
    return { ok: true, id, version, approvalWithdrawn, lengthProblems };
  });
}

export type SimpleResult = { ok: true; id?: string } | { ok: false; key: "error.notFound.body" | "error.forbidden.body" | "item.conflict" | "item.cannotDelete" | "item.cannotArchive" | "schedule.past" | "schedule.nonexistent" | "validation.date"; params?: Record<string, string> };

/** A copy of an item as a new draft on another date, same time, same texts, channels and tags. */
export async function duplicateItem(ctx: AppContext, user: User, itemId: string, localDate: string): Promise<SimpleResult> {
  if (!can(user.roles, "item.write")) return { ok: false, key: "error.forbidden.body" };
  const source = await findItemDetail(ctx.db, itemId);
  if (!source) return { ok: false, key: "error.notFound.body" };
  const decision = decideSchedule({ now: ctx.now(), status: "draft", localDate, localTime: source.item.local_time });
  if (!decision.ok) {
    const r = decision.refusal;
    if (r.reason === "past") return { ok: false, key: "schedule.past" };
    if (r.reason === "nonexistent") return { ok: false, key: "schedule.nonexistent", params: { time: r.proposal.localTime } };
    return { ok: false, key: "validation.date" };
  }
  return await ctx.db.transaction().execute(async (tx) => {
    const copy = await insertContentItem(
      tx,
      {
        scheduled_at: decision.scheduledAt,
        local_date: decision.localDate,
        local_time: decision.localTime,
        occurrence: decision.occurrence,
        status: "draft",
        source_language: source.item.source_language,
        author_id: user.id,
        updated_by: user.id,
      },
      source.variants.map((v) => ({
        language: v.language,
        text: v.text,
        link_url: v.linkUrl,
        image_alt: v.imageAlt,
        status: v.text === "" ? ("missing" as const) : ("draft" as const),
        // The copy's translations are as current as the original's.
        source_hash: v.sourceHash,
        source_text: v.sourceText,
        translated_by: null,
      })),
      source.channelIds,
    );
    await replaceItemTags(tx, copy.id, source.tagIds);
    await audit(tx, actorOf(user), { action: "item.duplicated", subjectType: "content_item", subjectId: copy.id, after: { from: itemId, localDate: decision.localDate } });
    return { ok: true, id: copy.id };
  });
}

/** Deletes an item that never went out; what was published can only be archived. */
export async function deleteItem(ctx: AppContext, user: User, itemId: string, version: number): Promise<SimpleResult> {
  if (!can(user.roles, "item.write")) return { ok: false, key: "error.forbidden.body" };
  return await ctx.db.transaction().execute(async (tx): Promise<SimpleResult> => {
    const item = await lockItem(tx, itemId);
    if (!item) return { ok: false, key: "error.notFound.body" };
    if (item.version !== version) return { ok: false, key: "item.conflict" };
    if (!canDelete(item.status) || (await countPublishedPublications(tx, itemId)) > 0) return { ok: false, key: "item.cannotDelete" };
    const detail = await findItemDetail(tx, itemId);
    await deleteItemRow(tx, itemId, version);
    await audit(tx, actorOf(user), {
      action: "item.deleted",
      subjectType: "content_item",
      subjectId: itemId,
      before: { localDate: item.local_date, localTime: item.local_time, status: item.status, texts: detail?.variants.map((v) => ({ language: v.language, text: v.text })) },
    });
    return { ok: true };
  });
}

export async function archiveItem(ctx: AppContext, user: User, itemId: string, version: number): Promise<SimpleResult> {
  if (!can(user.roles, "item.write")) return { ok: false, key: "error.forbidden.body" };
  return await ctx.db.transaction().execute(async (tx): Promise<SimpleResult> => {
    const item = await lockItem(tx, itemId);
    if (!item) return { ok: false, key: "error.notFound.body" };
    if (item.version !== version) return { ok: false, key: "item.conflict" };
    if (!canArchive(item.status)) return { ok: false, key: "item.cannotArchive" };
    await setItemStatus(tx, itemId, version, "archived", user.id);
    await audit(tx, actorOf(user), { action: "item.archived", subjectType: "content_item", subjectId: itemId, before: { status: item.status }, after: { status: "archived" } });
    return { ok: true, id: itemId };
  });
}

export async function itemDetail(ctx: AppContext, itemId: string): Promise<ItemDetail | undefined> {
  return await findItemDetail(ctx.db, itemId);
}

export async function itemHistory(ctx: AppContext, itemId: string) {
  // An item's id is a UUID; anything else (a NUL byte PostgreSQL refuses in text) has no history.
  if (!UUID_PATTERN.test(itemId)) return [];
  const events = await listAuditEventsForSubject(ctx.db, "content_item", itemId);
  return events.map((e) => ({ id: e.id, action: e.action, actor: e.actor_label, actorId: e.actor_id, at: e.occurred_at.toISOString(), before: e.before, after: e.after }));
}

/**
 * A past post brought in as history (a spreadsheet row or an API item dated before now): stored as
 * a published item with both texts approved, its channels and tags, marked as imported, without any
 * publication — nothing is ever sent. It teaches the tag suggestions like any tagged item.
 */
export async function importHistoryItem(ctx: AppContext, user: User, input: unknown): Promise<SaveResult> {
  if (!can(user.roles, "item.write")) return { ok: false, errors: { _form: { key: "error.forbidden.body" } } };
  const parsed = itemFormSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const data = parsed.data;
  if ((data.sourceLanguage === "fr" ? data.frText : data.nlText) === "") return { ok: false, errors: { [`${data.sourceLanguage}Text`]: { key: "validation.sourceRequired" } } };
  const resolved = resolveLocalTime(data.localDate, data.localTime, { occurrence: data.occurrence });
  if (!resolved.ok) return { ok: false, errors: { localDate: { key: "validation.date" } } };
  if (resolved.scheduledAt.getTime() > ctx.now().getTime()) return { ok: false, errors: { localDate: { key: "history.future" } } };
  const channels = await listChannels(ctx.db);
  const known = new Set(channels.map((c) => c.id));
  if (data.channelIds.some((id) => !known.has(id))) return { ok: false, errors: { channelIds: { key: "validation.channels" } } };
  const questionIds = new Set((await listRecurringQuestions(ctx.db)).map((q) => q.id));
  if (data.tagIds.some((id) => !questionIds.has(id))) return { ok: false, errors: { tagIds: { key: "validation.invalid" } } };
  const approved = { status: "approved" as const, approved_by: user.id, approved_at: ctx.now(), source_hash: null, translated_by: null };
  const variants = (["fr", "nl"] as const)
    .filter((l) => (l === "fr" ? data.frText : data.nlText) !== "")
    .map((l) => ({ language: l, text: l === "fr" ? data.frText : data.nlText, link_url: (l === "fr" ? data.frLink : data.nlLink) || null, image_alt: (l === "fr" ? data.frAlt : data.nlAlt) || null, ...approved }));
  const item = await insertContentItem(
    ctx.db,
    { scheduled_at: resolved.scheduledAt, local_date: resolved.localDate, local_time: resolved.localTime, occurrence: resolved.occurrence, status: "published", source_language: data.sourceLanguage, author_id: user.id, updated_by: user.id, imported_at: ctx.now() },
    variants,
    data.channelIds,
  );
  await replaceItemTags(ctx.db, item.id, data.tagIds);
  await audit(ctx.db, actorOf(user), { action: "item.imported_history", subjectType: "content_item", subjectId: item.id, after: { localDate: resolved.localDate, localTime: resolved.localTime, tags: data.tagIds.length } });
  return { ok: true, id: item.id, version: item.version, approvalWithdrawn: false, lengthProblems: [] };
}
