import { z } from "zod";
import type { Db } from "../../db/client";
import { lockItem, upsertVariant } from "../../db/repositories/content-items";
import { findPairRows, insertComment, setGermanEnabled, setVariantApproved, setVariantRejected, setVariantsSubmitted, updateItemStatus, type PairRows } from "../../db/repositories/review";
import type { ContentItem, User } from "../../db/schema";
import { approvalRefusal, planningStatus, PLANNING_STATUSES, publishability, requiredLanguages, visualProblems, variantState, type PairFacts, type Publishability } from "../domain/pairing";
import { can } from "../domain/permissions";
import { contentHashOf, pairFacts, sourceHashOf, type MediaCarriage } from "../domain/approval-hash.server";
import type { MessageKey } from "../i18n";
import { adapterFor } from "../channels/registry.server";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { syncPublications } from "./publication-plan.server";
import { teamSettings, type TeamSettings } from "./settings.server";

/**
 * Translation and approval of the FR/NL pair, and comments: the commands. Every rule is checked
 * here, whoever calls (a page, the API, a job). Beside it: the parity rule's exceptions
 * (parity-exceptions.server.ts), the work queues (review-queues.server.ts), the month's parity
 * report (parity-report.server.ts) and the reminders (reminders.server.ts).
 */

/** What each network's adapter sends of visuals, for the pairing rules. */
export const adapterCarriage: MediaCarriage = (network) => {
  const adapter = adapterFor(network);
  return { carriesVisuals: adapter.carriesVisuals === true, carriesVideos: adapter.carriesVideos === true };
};

export function factsOfPair(rows: PairRows, settings: TeamSettings): { facts: PairFacts; sourceHash: string } {
  const facts = pairFacts(
    { sourceLanguage: rows.item.source_language, germanEnabled: rows.item.german_enabled, variants: rows.variants, channels: rows.channels, exception: rows.exception, mediaFiles: rows.mediaFiles },
    settings,
    adapterCarriage,
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

export const fail = (key: MessageKey, params?: Record<string, string | number>): ReviewError => ({ ok: false, key, params });

export const idSchema = z.string().uuid();

export async function lockForChange(tx: Db, itemId: string, version: number): Promise<ContentItem | ReviewError> {
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

