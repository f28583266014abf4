import { DateTime } from "luxon";
import { findPairRows, listComments, listWorkItems, type PairRows, type WorkRow } from "../../db/repositories/review";
import type { User } from "../../db/schema";
import { approvalRefusal, awaitsApproval, publishability, requiredLanguages, translationDeadline, variantState, wordDiff, type DiffPart, type PairLanguage, type ParityReason, type VariantState } from "../domain/pairing";
import { can } from "../domain/permissions";
import { pairFacts, sourceHashOf } from "../domain/approval-hash.server";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { listOpenReminders } from "../../db/repositories/reminders";
import type { Visual } from "../domain/visuals";
import type { AppContext } from "./context.server";
import { adapterCarriage, factsOfPair, idSchema } from "./review.server";
import { teamSettings, type TeamSettings } from "./settings.server";

/** What each person has to do: an item's review state, the translators' and approvers' queues, the counts. */

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

export function todayIn(ctx: AppContext): string {
  return DateTime.fromJSDate(ctx.now(), { zone: BRUSSELS_ZONE }).toFormat("yyyy-MM-dd");
}

export function workFacts(row: WorkRow, settings: TeamSettings) {
  const facts = pairFacts({ ...row, variants: row.variants, channels: row.channels, exception: row.exception }, settings, adapterCarriage);
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
