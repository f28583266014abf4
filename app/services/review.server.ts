import { createHash } from "node:crypto";
import { DateTime } from "luxon";
import { z } from "zod";
import type { Db } from "../../db/client";
import { lockItem, upsertVariant } from "../../db/repositories/content-items";
import {
  decideException,
  findPairRows,
  insertComment,
  insertException,
  listComments,
  listWorkItems,
  oneLanguageItems,
  parityCounts,
  setGermanEnabled,
  setVariantApproved,
  setVariantRejected,
  setVariantsSubmitted,
  updateItemStatus,
  type PairRows,
  type WorkRow,
} from "../../db/repositories/review";
import type { ContentItem, User } from "../../db/schema";
import type { TextNetwork } from "../domain/channel-text";
import {
  approvalRefusal,
  awaitsApproval,
  contentFingerprintInput,
  planningStatus,
  PLANNING_STATUSES,
  publishability,
  requiredLanguages,
  visualProblems,
  sourceFingerprintInput,
  translationDeadline,
  variantState,
  wordDiff,
  type DiffPart,
  type ChannelFacts,
  type PairFacts,
  type PairLanguage,
  type ParityReason,
  type Publishability,
  type VariantState,
} from "../domain/pairing";
import { can } from "../domain/permissions";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { addBusinessDays } from "../domain/time/business-days";
import { addReminders, dismissReminder, listOpenReminders, usersWithRole } from "../../db/repositories/reminders";
import type { MessageKey } from "../i18n";
import type { Visual } from "../domain/visuals";
import { rulesFor, type InstanceMediaLimits, type MediaFileFacts } from "../domain/network-media";
import { adapterFor } from "../channels/registry.server";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { syncPublications } from "./publication-plan.server";
import { teamSettings, type TeamSettings } from "./settings.server";

/**
 * Translation and approval of the FR/NL pair, the parity rule's exceptions, comments, and the
 * queues built on them. Every rule is checked here, whoever calls (a page, the API, a job).
 */

function hash(input: string): string {
  return createHash("sha256").update(input).digest("hex").slice(0, 32);
}

type VariantLike = { language: string; text: string; link_url: string | null; image_alt: string | null; visuals?: readonly Visual[] };

export function contentHashOf(v: Pick<VariantLike, "text" | "link_url" | "image_alt" | "visuals">): string {
  return hash(contentFingerprintInput(v.text, v.link_url, v.image_alt, v.visuals ?? []));
}

/** The hash a translation records of its source: the source's text and link. */
export function sourceHashOf(sourceLanguage: "fr" | "nl", variants: readonly VariantLike[]): string {
  const source = variants.find((v) => v.language === sourceLanguage);
  return hash(sourceFingerprintInput(source?.text ?? "", source?.link_url ?? null, source?.visuals ?? []));
}

interface FactsInput {
  sourceLanguage: "fr" | "nl";
  germanEnabled: boolean;
  variants: readonly (VariantLike & { status: string; source_hash: string | null; approved_hash: string | null })[];
  channels: readonly { id: string; network: string; language: "fr" | "nl" | "bilingual"; active: boolean; media_limits?: InstanceMediaLimits | null }[];
  exception: { language: "fr" | "nl"; status: "requested" | "approved" | "rejected" | "withdrawn" } | null;
  mediaFiles?: Record<string, MediaFileFacts>;
}

/** What a channel's adapter sends of visuals, and its network's rules for them as far as it does. */
function channelMedia(network: TextNetwork, limits: InstanceMediaLimits | null | undefined): Pick<ChannelFacts, "carriesVisuals" | "mediaRules"> {
  const adapter = adapterFor(network);
  return adapter.carriesVisuals ? { carriesVisuals: true, mediaRules: rulesFor(network, { carriesVideos: adapter.carriesVideos === true, limits }) } : { carriesVisuals: false, mediaRules: undefined };
}

export function pairFacts(input: FactsInput, settings: Pick<TeamSettings, "bilingualOrder">): PairFacts {
  return {
    sourceLanguage: input.sourceLanguage,
    germanEnabled: input.germanEnabled,
    variants: input.variants.map((v) => ({
      language: v.language as PairLanguage,
      text: v.text,
      link: v.link_url,
      status: v.status as PairFacts["variants"][number]["status"],
      contentHash: contentHashOf(v),
      sourceHash: v.source_hash,
      approvedHash: v.approved_hash,
      visuals: v.visuals ?? [],
    })),
    channels: input.channels.map((c) => ({
      id: c.id,
      network: c.network as TextNetwork,
      language: c.language,
      active: c.active,
      ...channelMedia(c.network as TextNetwork, c.media_limits),
    })),
    exception: input.exception,
    bilingualOrder: settings.bilingualOrder,
    mediaFiles: input.mediaFiles ?? {},
  };
}

function factsOfPair(rows: PairRows, settings: TeamSettings): { facts: PairFacts; sourceHash: string } {
  const facts = pairFacts(
    { sourceLanguage: rows.item.source_language, germanEnabled: rows.item.german_enabled, variants: rows.variants, channels: rows.channels, exception: rows.exception, mediaFiles: rows.mediaFiles },
    settings,
  );
  return { facts, sourceHash: sourceHashOf(rows.item.source_language, rows.variants) };
}

/**
 * Brings an item's status in line with its variants (draft → in translation → awaiting approval →
 * scheduled), inside the caller's transaction, and counts the change as a new version. Items that
 * publishing owns (published, held, …) keep their status. Returns the item as it now is.
 */
export async function settleStatus(tx: Db, itemId: string, user: User, now: Date, options: { alreadyCounted?: boolean } = {}): Promise<ContentItem> {
  const rows = await findPairRows(tx, itemId);
  if (!rows) throw new Error(`item ${itemId} vanished inside its transaction`);
  const settings = await teamSettings(tx);
  const pair = factsOfPair(rows, settings);
  const planning = PLANNING_STATUSES.includes(rows.item.status);
  const status = planning ? planningStatus(pair.facts, pair.sourceHash, { inFuture: rows.item.scheduled_at.getTime() > now.getTime() }) : rows.item.status;
  // A caller that already counted its change as a version (saving the item) needs no second one.
  const item =
    options.alreadyCounted && status === rows.item.status
      ? rows.item
      : await updateItemStatus(tx, itemId, status, user.id, { countAsVersion: !options.alreadyCounted });
  if (planning) {
    const check = publishability(pair.facts, pair.sourceHash);
    await syncPublications(tx, item, rows.variants, check.ok ? check.texts : null);
  }
  return item;
}

/**
 * The check the publishing jobs make before sending anything, whatever the item's status says:
 * the parity rule on the item as it is now in the database.
 */
export async function checkPublishable(db: Db, itemId: string, settings?: TeamSettings, prefetched?: PairRows): Promise<Publishability & { item?: ContentItem }> {
  const [rows, team] = await Promise.all([prefetched ?? findPairRows(db, itemId), settings ?? teamSettings(db)]);
  if (!rows) return { ok: false, reasons: [] };
  const { facts, sourceHash } = factsOfPair(rows, team);
  return { ...publishability(facts, sourceHash), item: rows.item };
}

export type ReviewError = { ok: false; key: MessageKey; params?: Record<string, string | number>; problems?: { id: string; key: MessageKey }[] };
export type ReviewResult = { ok: true; version: number; status: string } | ReviewError;

const fail = (key: MessageKey, params?: Record<string, string | number>): ReviewError => ({ ok: false, key, params });

const idSchema = z.string().uuid();

async function lockForChange(tx: Db, itemId: string, version: number): Promise<ContentItem | ReviewError> {
  if (!idSchema.safeParse(itemId).success) return fail("error.notFound.body");
  const item = await lockItem(tx, itemId);
  if (!item) return fail("error.notFound.body");
  if (item.version !== version) return fail("item.conflict");
  return item;
}

// --- submitting and translating ----------------------------------------------------------------

/** The editor or translator sends what is written for review: drafts and rejected variants become submitted. */
export async function submitForReview(ctx: AppContext, user: User, itemId: string, version: number): Promise<ReviewResult> {
  if (!can(user.roles, "item.write") && !can(user.roles, "variant.translate")) return fail("error.forbidden.body");
  return await ctx.db.transaction().execute(async (tx): Promise<ReviewResult> => {
    const locked = await lockForChange(tx, itemId, version);
    if ("ok" in locked) return locked;
    if (!PLANNING_STATUSES.includes(locked.status)) return fail("review.notInPreparation");
    const rows = (await findPairRows(tx, itemId))!;
    const { facts, sourceHash } = factsOfPair(rows, await teamSettings(tx));
    const ready = rows.variants.filter((v) => ["draft", "rejected"].includes(variantState(facts, v.language, sourceHash)));
    if (ready.length === 0) return fail("review.nothingToSubmit");
    await setVariantsSubmitted(
      tx,
      ready.map((v) => v.id),
    );
    const item = await settleStatus(tx, itemId, user, ctx.now());
    await audit(tx, actorOf(user), { action: "item.submitted", subjectType: "content_item", subjectId: itemId, after: { languages: ready.map((v) => v.language), status: item.status } });
    return { ok: true, version: item.version, status: item.status };
  });
}

const optionalText = (max: number) =>
  z
    .string()
    .max(max, "validation.tooLong")
    .optional()
    .transform((s) => (s ?? "").normalize("NFC").trim());

export const translationSchema = z.object({
  version: z.coerce.number().int().min(1),
  text: optionalText(63_206),
  link: z
    .string()
    .max(2000, "validation.tooLong")
    .optional()
    .transform((s) => (s ?? "").trim())
    .refine((s) => s === "" || /^https:\/\/[^\s]+$/i.test(s), "validation.url"),
  alt: optionalText(1000),
  submit: z.preprocess((v) => v === "1" || v === "true" || v === true, z.boolean()).default(false),
});

/**
 * The translator writes one target language. The translation records the source it was made from
 * (text and hash), so a later change of the source marks it stale. Submitting sends it for review.
 */
export async function saveTranslation(ctx: AppContext, user: User, itemId: string, language: string, input: unknown): Promise<ReviewResult | { ok: false; key: "validation"; errors: Record<string, { key: MessageKey }> }> {
  if (!can(user.roles, "variant.translate")) return fail("error.forbidden.body");
  if (language !== "fr" && language !== "nl" && language !== "de") return fail("error.notFound.body");
  const parsed = translationSchema.safeParse(input);
  if (!parsed.success) {
    const errors: Record<string, { key: MessageKey }> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "_form")] ??= { key: (issue.message.startsWith("validation.") ? issue.message : "validation.invalid") as MessageKey };
    return { ok: false, key: "validation", errors };
  }
  const data = parsed.data;
  if (data.submit && data.text === "") return { ok: false, key: "validation", errors: { text: { key: "validation.required" } } };
  return await ctx.db.transaction().execute(async (tx): Promise<ReviewResult> => {
    const locked = await lockForChange(tx, itemId, data.version);
    if ("ok" in locked) return locked;
    if (!PLANNING_STATUSES.includes(locked.status)) return fail("review.notInPreparation");
    if (language === locked.source_language) return fail("review.notATranslation");
    if (language === "de" && !locked.german_enabled) return fail("review.germanOff");
    const rows = (await findPairRows(tx, itemId))!;
    const source = rows.variants.find((v) => v.language === locked.source_language);
    const before = rows.variants.find((v) => v.language === language);
    await upsertVariant(tx, {
      contentItemId: itemId,
      language,
      text: data.text,
      linkUrl: data.link || null,
      imageAlt: data.alt || null,
      status: data.text === "" ? "missing" : data.submit ? "submitted" : "draft",
      sourceHash: sourceHashOf(locked.source_language, rows.variants),
      sourceText: source?.text ?? "",
      translatedBy: user.id,
      translatedAt: ctx.now(),
    });
    const item = await settleStatus(tx, itemId, user, ctx.now());
    await audit(tx, actorOf(user), {
      action: "variant.translated",
      subjectType: "content_item",
      subjectId: itemId,
      before: before ? { language, text: before.text, status: before.status } : undefined,
      after: { language, text: data.text, submitted: data.submit, status: item.status },
    });
    return { ok: true, version: item.version, status: item.status };
  });
}

/** Switches the German variant on or off for one item (editors). */
export async function setGerman(ctx: AppContext, user: User, itemId: string, version: number, enabled: boolean): Promise<ReviewResult> {
  if (!can(user.roles, "item.write")) return fail("error.forbidden.body");
  return await ctx.db.transaction().execute(async (tx): Promise<ReviewResult> => {
    const locked = await lockForChange(tx, itemId, version);
    if ("ok" in locked) return locked;
    if (!PLANNING_STATUSES.includes(locked.status)) return fail("review.notInPreparation");
    await setGermanEnabled(tx, itemId, enabled);
    const item = await settleStatus(tx, itemId, user, ctx.now());
    await audit(tx, actorOf(user), { action: enabled ? "item.german_on" : "item.german_off", subjectType: "content_item", subjectId: itemId, after: { germanEnabled: enabled } });
    return { ok: true, version: item.version, status: item.status };
  });
}

// --- approving and rejecting -------------------------------------------------------------------

/**
 * Approves items exactly as they were shown: each id with the version the approver saw. If any
 * changed since, or cannot be approved (own item, a language missing, stale or not written),
 * nothing is approved and every problem is listed. Approval is of the exact content: each variant
 * records the hash of what was approved. An item whose pair is then publishable is scheduled.
 */
export async function approveItems(ctx: AppContext, user: User, shown: readonly { id: string; version: number }[]): Promise<{ ok: true; approved: number; scheduled: number } | ReviewError> {
  if (!can(user.roles, "item.approve")) return fail("error.forbidden.body");
  if (shown.length === 0) return fail("review.nothingShown");
  if (shown.some((s) => !idSchema.safeParse(s.id).success)) return fail("error.notFound.body");
  const settings = await teamSettings(ctx.db);
  return await ctx.db.transaction().execute(async (tx) => {
    const problems: { id: string; key: MessageKey }[] = [];
    const approvals: { rows: PairRows; languages: string[] }[] = [];
    // Locks in id order, so that two approvers of overlapping weeks cannot deadlock.
    for (const s of [...shown].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const item = await lockItem(tx, s.id);
      if (!item) {
        problems.push({ id: s.id, key: "error.notFound.body" });
        continue;
      }
      if (item.version !== s.version) {
        problems.push({ id: s.id, key: "review.changedSinceShown" });
        continue;
      }
      const refusal = approvalRefusal({ roles: user.roles, userId: user.id, authorId: item.author_id, fourEyesRelaxed: settings.fourEyesRelaxed });
      if (refusal === "ownItem") {
        problems.push({ id: s.id, key: "review.ownItem" });
        continue;
      }
      if (!PLANNING_STATUSES.includes(item.status)) {
        problems.push({ id: s.id, key: "review.notInPreparation" });
        continue;
      }
      const rows = (await findPairRows(tx, s.id))!;
      const { facts, sourceHash } = factsOfPair(rows, settings);
      const states = requiredLanguages(facts).map((l) => [l, variantState(facts, l, sourceHash)] as const);
      const notReady = states.find(([, state]) => state !== "submitted" && state !== "approved");
      if (notReady) {
        problems.push({ id: s.id, key: `review.notReady.${notReady[1]}` as MessageKey });
        continue;
      }
      // Every visual needs its alt text, and the pair its twins, before anyone approves it.
      if (visualProblems(facts).length > 0) {
        problems.push({ id: s.id, key: "review.visualsIncomplete" });
        continue;
      }
      approvals.push({ rows, languages: states.filter(([, state]) => state === "submitted").map(([l]) => l) });
    }
    if (problems.length > 0) return { ok: false as const, key: "review.approvalRefused" as MessageKey, params: { count: problems.length }, problems };
    let scheduled = 0;
    for (const { rows, languages } of approvals) {
      for (const v of rows.variants.filter((x) => languages.includes(x.language))) {
        await setVariantApproved(tx, v.id, { hash: contentHashOf(v), by: user.id, at: ctx.now() });
      }
      const item = await settleStatus(tx, rows.item.id, user, ctx.now());
      if (item.status === "scheduled") scheduled++;
      await audit(tx, actorOf(user), {
        action: "item.approved",
        subjectType: "content_item",
        subjectId: rows.item.id,
        after: {
          languages,
          texts: Object.fromEntries(rows.variants.filter((x) => languages.includes(x.language)).map((x) => [x.language, x.text])),
          status: item.status,
          bulk: shown.length > 1,
        },
      });
    }
    return { ok: true as const, approved: approvals.length, scheduled };
  });
}

const rejectSchema = z.object({
  version: z.coerce.number().int().min(1),
  comment: z.string().max(4000).transform((s) => s.normalize("NFC").trim()),
  language: z.enum(["fr", "nl", "de", ""]).default(""),
});

/** Sends an item back with a comment: its submitted (or approved) variants, or one language's. */
export async function rejectItem(ctx: AppContext, user: User, itemId: string, input: unknown): Promise<ReviewResult> {
  if (!can(user.roles, "item.approve")) return fail("error.forbidden.body");
  const parsed = rejectSchema.safeParse(input);
  if (!parsed.success) return fail("validation.invalid");
  if (parsed.data.comment === "") return fail("review.commentRequired");
  const { version, comment, language } = parsed.data;
  return await ctx.db.transaction().execute(async (tx): Promise<ReviewResult> => {
    const locked = await lockForChange(tx, itemId, version);
    if ("ok" in locked) return locked;
    if (!PLANNING_STATUSES.includes(locked.status)) return fail("review.notInPreparation");
    const rows = (await findPairRows(tx, itemId))!;
    const targets = rows.variants.filter((v) => (language === "" || v.language === language) && (v.status === "submitted" || v.status === "approved"));
    if (targets.length === 0) return fail("review.nothingToReject");
    for (const v of targets) await setVariantRejected(tx, v.id, comment);
    await insertComment(tx, { itemId, authorId: user.id, body: comment });
    const item = await settleStatus(tx, itemId, user, ctx.now());
    await audit(tx, actorOf(user), { action: "item.rejected", subjectType: "content_item", subjectId: itemId, after: { languages: targets.map((v) => v.language), comment, status: item.status } });
    return { ok: true, version: item.version, status: item.status };
  });
}

// --- exceptions to the parity rule -------------------------------------------------------------

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

// --- comments ----------------------------------------------------------------------------------

export async function addComment(ctx: AppContext, user: User, itemId: string, body: unknown): Promise<{ ok: true } | ReviewError> {
  if (!can(user.roles, "item.write") && !can(user.roles, "variant.translate") && !can(user.roles, "item.approve")) return fail("error.forbidden.body");
  const text = typeof body === "string" ? body.normalize("NFC").trim() : "";
  if (text === "") return fail("review.commentRequired");
  if (text.length > 4000) return fail("validation.tooLong", { max: 4000 });
  if (!idSchema.safeParse(itemId).success) return fail("error.notFound.body");
  return await ctx.db.transaction().execute(async (tx) => {
    const item = await lockItem(tx, itemId);
    if (!item) return fail("error.notFound.body");
    const id = await insertComment(tx, { itemId, authorId: user.id, body: text });
    await audit(tx, actorOf(user), { action: "item.commented", subjectType: "content_item", subjectId: itemId, after: { commentId: id, body: text } });
    return { ok: true as const };
  });
}

// --- what the pages show -----------------------------------------------------------------------

export interface LanguageReview {
  language: PairLanguage;
  state: VariantState;
  rejectionComment: string | null;
  isSource: boolean;
}

export interface ReviewState {
  languages: LanguageReview[];
  reasons: ParityReason[];
  publishable: boolean;
  exception: PairRows["exception"];
  comments: Awaited<ReturnType<typeof listComments>>;
  deadline: string;
  germanEnabled: boolean;
  canApprove: boolean;
  approveRefusal: "forbidden" | "ownItem" | null;
}

/** An item's review at a glance: each language's state, why it is not publishable yet, its discussion. */
export async function reviewState(ctx: AppContext, user: User, itemId: string): Promise<ReviewState | undefined> {
  const rows = await findPairRows(ctx.db, itemId);
  if (!rows) return undefined;
  const settings = await teamSettings(ctx.db);
  const { facts, sourceHash } = factsOfPair(rows, settings);
  const languages: PairLanguage[] = ["fr", "nl", ...(rows.item.german_enabled ? (["de"] as const) : [])];
  const check = publishability(facts, sourceHash);
  const refusal = approvalRefusal({ roles: user.roles, userId: user.id, authorId: rows.item.author_id, fourEyesRelaxed: settings.fourEyesRelaxed });
  return {
    languages: languages.map((language) => ({
      language,
      state: variantState(facts, language, sourceHash),
      rejectionComment: rows.variants.find((v) => v.language === language)?.rejection_comment ?? null,
      isSource: language === rows.item.source_language,
    })),
    reasons: check.ok ? [] : check.reasons,
    publishable: check.ok,
    exception: rows.exception,
    comments: await listComments(ctx.db, itemId),
    deadline: translationDeadline(rows.item.local_date, settings.translationDeadlineDays),
    germanEnabled: rows.item.german_enabled,
    canApprove: refusal === null,
    approveRefusal: refusal,
  };
}

export interface TranslationTask {
  itemId: string;
  version: number;
  localDate: string;
  localTime: string;
  language: PairLanguage;
  state: VariantState;
  deadline: string;
  late: boolean;
  sourceLanguage: "fr" | "nl";
  sourceText: string;
  rejectionComment: string | null;
}

function todayIn(ctx: AppContext): string {
  return DateTime.fromJSDate(ctx.now(), { zone: BRUSSELS_ZONE }).toFormat("yyyy-MM-dd");
}

function workFacts(row: WorkRow, settings: TeamSettings) {
  const facts = pairFacts({ ...row, variants: row.variants, channels: row.channels, exception: row.exception }, settings);
  return { facts, sourceHash: sourceHashOf(row.sourceLanguage, row.variants) };
}

/**
 * The translator's queue: every upcoming item whose target language is missing, stale, rejected or
 * not yet submitted, soonest first, with its translation deadline (business days before publication,
 * Belgian holidays counted) and whether it is already late.
 */
export async function translatorQueue(ctx: AppContext): Promise<TranslationTask[]> {
  const settings = await teamSettings(ctx.db);
  const today = todayIn(ctx);
  const rows = await listWorkItems(ctx.db, { from: ctx.now() });
  const tasks: TranslationTask[] = [];
  for (const row of rows) {
    const { facts, sourceHash } = workFacts(row, settings);
    const source = variantState(facts, row.sourceLanguage, sourceHash);
    if (source === "missing") continue;
    for (const language of requiredLanguages(facts).filter((l) => l !== row.sourceLanguage)) {
      const state = variantState(facts, language, sourceHash);
      if (!["missing", "stale", "draft", "rejected"].includes(state)) continue;
      const deadline = translationDeadline(row.localDate, settings.translationDeadlineDays);
      tasks.push({
        itemId: row.id,
        version: row.version,
        localDate: row.localDate,
        localTime: row.localTime,
        language,
        state,
        deadline,
        late: deadline < today,
        sourceLanguage: row.sourceLanguage,
        sourceText: row.variants.find((v) => v.language === row.sourceLanguage)?.text ?? "",
        rejectionComment: row.variants.find((v) => v.language === language)?.rejection_comment ?? null,
      });
    }
  }
  return tasks;
}

export interface ApprovalTask {
  itemId: string;
  version: number;
  localDate: string;
  localTime: string;
  authorName: string;
  texts: Partial<Record<PairLanguage, string>>;
  channels: string[];
  ownItem: boolean;
  exception: WorkRow["exception"];
}

/** Items written in every required language and waiting for approval (and pending exceptions), soonest first. */
export async function approverQueue(ctx: AppContext, user: User, range: { from?: Date; to?: Date } = {}): Promise<ApprovalTask[]> {
  const settings = await teamSettings(ctx.db);
  const rows = await listWorkItems(ctx.db, { from: range.from ?? ctx.now(), to: range.to, statuses: ["awaiting_approval"] });
  // Rows come soonest first; an item waits for an approver when its languages do, or its exception does.
  return rows
    .filter((row) => {
      const { facts, sourceHash } = workFacts(row, settings);
      return row.exception?.status === "requested" || awaitsApproval(facts, sourceHash);
    })
    .map((row) => ({
      itemId: row.id,
      version: row.version,
      localDate: row.localDate,
      localTime: row.localTime,
      authorName: row.authorName,
      texts: Object.fromEntries(row.variants.map((v) => [v.language, v.text])),
      channels: row.channels.map((c) => c.name),
      ownItem: row.authorId === user.id && !settings.fourEyesRelaxed,
      exception: row.exception,
    }));
}

/** The editor's items sent back by an approver. */
export async function rejectedItems(ctx: AppContext, user: User): Promise<{ itemId: string; localDate: string; localTime: string; languages: string[]; comment: string }[]> {
  const rows = await listWorkItems(ctx.db, { from: ctx.now(), authorId: user.id, withRejectedVariant: true });
  return rows
    .map((row) => {
      const rejected = row.variants.filter((v) => v.status === "rejected");
      return { itemId: row.id, localDate: row.localDate, localTime: row.localTime, languages: rejected.map((v) => v.language), comment: rejected[0]?.rejection_comment ?? "" };
    });
}

/** The counts in the header: what is waiting for this person. */
export async function workCounts(ctx: AppContext, user: User): Promise<{ translate: number; approve: number; rejected: number; reminders: number }> {
  const [translate, approve, rejected, reminders] = await Promise.all([
    can(user.roles, "variant.translate") && user.roles.includes("translator") ? translatorQueue(ctx).then((t) => t.length) : 0,
    can(user.roles, "item.approve") ? approverQueue(ctx, user).then((t) => t.filter((x) => !x.ownItem).length) : 0,
    can(user.roles, "item.write") ? rejectedItems(ctx, user).then((t) => t.length) : 0,
    listOpenReminders(ctx.db, user.id).then((r) => r.length),
  ]);
  return { translate, approve, rejected, reminders };
}

export interface TranslationView {
  itemId: string;
  version: number;
  localDate: string;
  localTime: string;
  status: string;
  sourceLanguage: "fr" | "nl";
  language: PairLanguage;
  source: { text: string; link: string; alt: string; visuals: (Visual & { thumbUrl: string })[] };
  target: { text: string; link: string; alt: string; state: VariantState; rejectionComment: string | null; visuals: (Visual & { thumbUrl: string })[] };
  /** For a stale translation: what changed in the source since it was translated, word by word. */
  sourceChanges: DiffPart[] | null;
  deadline: string;
}

/** What the translator's side-by-side editor shows for one target language. */
export async function translationView(ctx: AppContext, itemId: string, language: string): Promise<TranslationView | undefined> {
  if (!idSchema.safeParse(itemId).success || (language !== "fr" && language !== "nl" && language !== "de")) return undefined;
  const rows = await findPairRows(ctx.db, itemId);
  if (!rows || language === rows.item.source_language) return undefined;
  if (language === "de" && !rows.item.german_enabled) return undefined;
  const settings = await teamSettings(ctx.db);
  const { facts, sourceHash } = factsOfPair(rows, settings);
  const source = rows.variants.find((v) => v.language === rows.item.source_language);
  const target = rows.variants.find((v) => v.language === language);
  const state = variantState(facts, language, sourceHash);
  return {
    itemId,
    version: rows.item.version,
    localDate: rows.item.local_date,
    localTime: rows.item.local_time,
    status: rows.item.status,
    sourceLanguage: rows.item.source_language,
    language,
    source: { text: source?.text ?? "", link: source?.link_url ?? "", alt: source?.image_alt ?? "", visuals: (source?.visuals ?? []).map((v) => ({ ...v, thumbUrl: `/media/${v.hash}?size=thumb` })) },
    target: {
      text: target?.text ?? "",
      link: target?.link_url ?? "",
      alt: target?.image_alt ?? "",
      state,
      rejectionComment: target?.rejection_comment ?? null,
      visuals: (target?.visuals ?? []).map((v) => ({ ...v, thumbUrl: `/media/${v.hash}?size=thumb` })),
    },
    sourceChanges: state === "stale" && target?.source_text != null ? wordDiff(target.source_text, source?.text ?? "") : null,
    deadline: translationDeadline(rows.item.local_date, settings.translationDeadlineDays),
  };
}

export interface ParityReport {
  month: string;
  /** Per network: posts going (or gone) out in French and in Dutch this month. */
  networks: { network: string; fr: number; nl: number }[];
  oneLanguage: { itemId: string; localDate: string; localTime: string; status: string; language: "fr" | "nl"; reason: string; exceptionStatus: string; requestedBy: string; decidedBy: string | null }[];
  late: { itemId: string; localDate: string; language: PairLanguage; deadline: string; translatedOn: string | null }[];
}

/**
 * The month's parity: per network, French vs Dutch; the items published in one language only with
 * their reasons; and the translations that came after their deadline (or have not come yet).
 */
export async function parityReport(ctx: AppContext, month: string): Promise<ParityReport | undefined> {
  const start = DateTime.fromISO(`${month}-01`, { zone: BRUSSELS_ZONE });
  if (!/^\d{4}-\d{2}$/.test(month) || !start.isValid) return undefined;
  const range = { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate() };
  const settings = await teamSettings(ctx.db);
  const today = todayIn(ctx);
  const [counts, exceptions, rows] = await Promise.all([
    parityCounts(ctx.db, range),
    oneLanguageItems(ctx.db, range),
    listWorkItems(ctx.db, { from: range.start, to: range.end, statuses: ["draft", "in_translation", "awaiting_approval", "scheduled", "published", "partly_failed", "failed", "held"] }),
  ]);
  const networks = new Map<string, { network: string; fr: number; nl: number }>();
  for (const c of counts) {
    const n = networks.get(c.network) ?? { network: c.network, fr: 0, nl: 0 };
    if (c.language === "fr" || c.language === "nl") n[c.language] += c.items;
    networks.set(c.network, n);
  }
  const late: ParityReport["late"] = [];
  for (const row of rows) {
    const { facts, sourceHash } = workFacts(row, settings);
    const deadline = translationDeadline(row.localDate, settings.translationDeadlineDays);
    for (const language of requiredLanguages(facts).filter((l) => l !== row.sourceLanguage)) {
      const v = row.variants.find((x) => x.language === language);
      const translatedOn = v?.translated_at ? DateTime.fromJSDate(v.translated_at, { zone: BRUSSELS_ZONE }).toFormat("yyyy-MM-dd") : null;
      const state = variantState(facts, language, sourceHash);
      const missingPastDeadline = (state === "missing" || state === "stale") && today > deadline;
      if ((translatedOn && translatedOn > deadline) || missingPastDeadline) late.push({ itemId: row.id, localDate: row.localDate, language, deadline, translatedOn: state === "missing" ? null : translatedOn });
    }
  }
  return {
    month,
    networks: [...networks.values()],
    oneLanguage: exceptions.map((e) => ({
      itemId: e.id,
      localDate: e.local_date,
      localTime: e.local_time,
      status: e.status,
      language: e.language,
      reason: e.reason,
      exceptionStatus: e.exception_status,
      requestedBy: e.requested_by,
      decidedBy: e.decided_by,
    })),
    late,
  };
}

/**
 * Reminds translators of translations due within a business day (or late), and approvers of posts
 * going out within two business days that still wait for approval. Each person is reminded once per
 * item (and language); run by the `remind` job every quarter hour.
 */
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
