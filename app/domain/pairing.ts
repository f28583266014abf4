import { measureText, type TextNetwork } from "./channel-text";
import { bilingualText } from "./item-schedule";
import { mediaRuleProblems, type MediaFileFacts, type MediaRuleProblem, type NetworkMediaRules } from "./network-media";
import { addBusinessDays, type BusinessCalendar, LEGAL_CALENDAR } from "./time/business-days";
import type { LocalDate } from "./time/brussels";
import { pairProblems, sourceVisualsFingerprint, versionProblems, visualsFingerprint, type Visual, type VisualProblem } from "./visuals";

/**
 * The FR/NL pair: which variants an item needs, where each stands, when the item may be scheduled
 * (the parity rule), who may approve it, and by when it must be translated. Pure: the services feed
 * it what they read, in the web app and in the publishing jobs alike.
 */

export type PairLanguage = "fr" | "nl" | "de";
export type StoredVariantStatus = "missing" | "draft" | "submitted" | "approved" | "rejected";
/** What a variant's row says, read against the current source: "stale" is derived, never stored. */
export type VariantState = "missing" | "stale" | "draft" | "submitted" | "approved" | "rejected";
export type PlanningStatus = "draft" | "in_translation" | "awaiting_approval" | "scheduled";
export type BilingualOrder = "fr-nl" | "nl-fr";

export interface VariantFacts {
  language: PairLanguage;
  text: string;
  link: string | null;
  status: StoredVariantStatus;
  /** The hash of this variant's own text, link and alt text now. */
  contentHash: string;
  /** For a translation: the hash of the source it was made from. */
  sourceHash: string | null;
  /** The hash of the content that was approved, if it was. */
  approvedHash: string | null;
  /** Its images or video, with their alt texts in this language (none when absent). */
  visuals?: readonly Visual[];
}

export interface ChannelFacts {
  id: string;
  network: TextNetwork;
  language: "fr" | "nl" | "bilingual";
  active: boolean;
  /** Whether its adapter sends images and videos: a post with visuals never goes out without them. */
  carriesVisuals?: boolean;
  /** The network's rules for images and videos (absent: none checked). */
  mediaRules?: NetworkMediaRules;
}

export interface ExceptionFacts {
  /** The one language the item goes out in. */
  language: "fr" | "nl";
  status: "requested" | "approved" | "rejected" | "withdrawn";
}

export interface PairFacts {
  sourceLanguage: "fr" | "nl";
  germanEnabled: boolean;
  variants: VariantFacts[];
  channels: ChannelFacts[];
  exception: ExceptionFacts | null;
  bilingualOrder: BilingualOrder;
  /** The facts of the files the versions show, by hash (the networks' rules read them). */
  mediaFiles?: Readonly<Record<string, MediaFileFacts>>;
}

/** The hash a translation's `sourceHash` is compared with: the source's text, link and visuals (a new visual makes the translation stale). */
export function sourceFingerprintInput(text: string, link: string | null, visuals: readonly Visual[] = []): string {
  return `${text.normalize("NFC").trim()}\n${link ?? ""}${sourceVisualsFingerprint(visuals)}`;
}

/** What a variant's content hash covers: text, link, image alt text, and its visuals with their alt texts. */
export function contentFingerprintInput(text: string, link: string | null, alt: string | null, visuals: readonly Visual[] = []): string {
  return `${text.normalize("NFC").trim()}\n${link ?? ""}\n${alt ?? ""}${visualsFingerprint(visuals)}`;
}

export function variantOf(facts: Pick<PairFacts, "variants">, language: PairLanguage): VariantFacts | undefined {
  return facts.variants.find((v) => v.language === language);
}

/**
 * Where a variant stands. A translation is stale when the source changed after it was made; an
 * approval counts only for the exact content approved.
 */
export function variantState(facts: Pick<PairFacts, "variants" | "sourceLanguage">, language: PairLanguage, sourceHash: string): VariantState {
  const v = variantOf(facts, language);
  if (!v || v.text.trim() === "" || v.status === "missing") return "missing";
  if (language !== facts.sourceLanguage && v.sourceHash !== sourceHash) return "stale";
  if (v.status === "approved" && v.approvedHash !== v.contentHash) return "draft";
  return v.status;
}

/** The languages an item must have approved: both, or the exception's one; German when switched on. */
export function requiredLanguages(facts: Pick<PairFacts, "exception" | "germanEnabled">): PairLanguage[] {
  const base: PairLanguage[] = facts.exception?.status === "approved" ? [facts.exception.language] : ["fr", "nl"];
  return facts.germanEnabled ? [...base, "de"] : base;
}

export type ParityReason =
  | { code: "language.missing"; language: PairLanguage }
  | { code: "language.stale"; language: PairLanguage }
  | { code: "language.notApproved"; language: PairLanguage }
  | { code: "channel.none"; language: "fr" | "nl" }
  | { code: "channel.otherLanguage"; channelId: string }
  | { code: "channel.tooLong"; channelId: string; length: number; limit: number }
  | { code: "channel.noVisuals"; channelId: string }
  | { code: "exception.pending" }
  | VisualProblem
  | MediaRuleProblem;

/**
 * The visuals' problems of the languages the item goes out in: each version's own rules, and
 * between the two versions, the pair's. Approval and the parity rule read the same list.
 */
export function visualProblems(facts: Pick<PairFacts, "variants" | "sourceLanguage" | "exception" | "germanEnabled">): VisualProblem[] {
  const published = requiredLanguages(facts).filter((l): l is "fr" | "nl" => l !== "de");
  const visualsOf = (language: "fr" | "nl") => variantOf(facts, language)?.visuals ?? [];
  const problems = published.flatMap((language) => versionProblems(language, visualsOf(language)));
  if (published.length === 2) problems.push(...pairProblems(facts.sourceLanguage, visualsOf(facts.sourceLanguage), visualsOf(facts.sourceLanguage === "fr" ? "nl" : "fr")));
  return problems;
}

/** One channel's text as it will be sent. */
export interface PlannedText {
  channelId: string;
  network: TextNetwork;
  languages: ("fr" | "nl")[];
  text: string;
  link: string | null;
  /** The visuals that go with it, each with its alt text as sent. */
  visuals: Visual[];
}

/**
 * The visuals of a post in two languages: a file both versions share once, its two alt texts
 * joined in the channel's order; the others, each language's own, in that order.
 */
export function bilingualVisuals(fr: readonly Visual[], nl: readonly Visual[], order: BilingualOrder): Visual[] {
  const [first, second] = order === "fr-nl" ? [fr, nl] : [nl, fr];
  const out: Visual[] = [];
  for (const v of first) {
    const twin = second.find((o) => o.hash === v.hash);
    out.push(twin ? { ...v, alt: `${v.alt.trim()} / ${twin.alt.trim()}` } : { ...v });
  }
  for (const v of second) if (!first.some((o) => o.hash === v.hash)) out.push({ ...v });
  return out;
}

export type Publishability = { ok: true; texts: PlannedText[] } | { ok: false; reasons: ParityReason[] };

/**
 * The parity rule. An item may be scheduled, and a job may send it, only when every required
 * variant is approved as it stands now, it has an active channel in French and in Dutch (a bilingual
 * channel counts for both), and every channel's text fits that network. A one-language item needs
 * an approved exception; it then goes to channels of its language (or bilingual ones) only.
 */
export function publishability(facts: PairFacts, sourceHash: string): Publishability {
  const reasons: ParityReason[] = [];
  if (facts.exception?.status === "requested") reasons.push({ code: "exception.pending" });
  const required = requiredLanguages(facts);
  for (const language of required) {
    const state = variantState(facts, language, sourceHash);
    if (state === "missing") reasons.push({ code: "language.missing", language });
    else if (state === "stale") reasons.push({ code: "language.stale", language });
    else if (state !== "approved") reasons.push({ code: "language.notApproved", language });
  }
  const published = required.filter((l): l is "fr" | "nl" => l !== "de");
  reasons.push(...visualProblems(facts));
  const channels = facts.channels.filter((c) => c.active);
  for (const language of published) {
    if (!channels.some((c) => c.language === language || c.language === "bilingual")) reasons.push({ code: "channel.none", language });
  }
  for (const c of channels) {
    if (c.language !== "bilingual" && !published.includes(c.language)) reasons.push({ code: "channel.otherLanguage", channelId: c.id });
  }
  const texts: PlannedText[] = [];
  for (const c of channels) {
    const languages = c.language === "bilingual" ? published : published.filter((l) => l === c.language);
    if (languages.length === 0) continue;
    const fr = variantOf(facts, "fr");
    const nl = variantOf(facts, "nl");
    const text =
      languages.length === 2 ? bilingualText({ fr: fr?.text ?? "", nl: nl?.text ?? "" }, facts.bilingualOrder) : (variantOf(facts, languages[0]!)?.text ?? "").trim();
    const link = languages.map((l) => variantOf(facts, l)?.link ?? null).find((l) => !!l) ?? null;
    // An empty text is already reported as a missing language.
    const check = measureText(c.network, text, link);
    if (!check.ok && text !== "") reasons.push({ code: "channel.tooLong", channelId: c.id, length: check.length, limit: check.limit });
    const visuals = languages.length === 2 ? bilingualVisuals(fr?.visuals ?? [], nl?.visuals ?? [], facts.bilingualOrder) : [...(variantOf(facts, languages[0]!)?.visuals ?? [])];
    if (visuals.length > 0 && !c.carriesVisuals) reasons.push({ code: "channel.noVisuals", channelId: c.id });
    else if (c.mediaRules) reasons.push(...mediaRuleProblems(c.id, c.mediaRules, visuals, facts.mediaFiles ?? {}));
    texts.push({ channelId: c.id, network: c.network, languages, text, link, visuals });
  }
  return reasons.length === 0 ? { ok: true, texts } : { ok: false, reasons };
}

/**
 * Where an item stands in its preparation, from its variants: the source is being written (draft),
 * a translation is missing, stale, in progress or rejected (in translation), everything is written
 * and waits for approval, or it is approved and publishable (scheduled).
 */
export function planningStatus(facts: PairFacts, sourceHash: string, options: { inFuture: boolean }): PlanningStatus {
  const source = variantState(facts, facts.sourceLanguage, sourceHash);
  if (source === "missing" || source === "draft" || source === "rejected") return "draft";
  const others = requiredLanguages(facts).filter((l) => l !== facts.sourceLanguage);
  if (others.some((l) => ["missing", "stale", "draft", "rejected"].includes(variantState(facts, l, sourceHash)))) return "in_translation";
  if (options.inFuture && publishability(facts, sourceHash).ok) return "scheduled";
  return "awaiting_approval";
}

/** Whether an approver has something to do: every required language written and sent, one at least not yet approved. */
export function awaitsApproval(facts: PairFacts, sourceHash: string): boolean {
  const states = requiredLanguages(facts).map((l) => variantState(facts, l, sourceHash));
  return states.every((s) => s === "submitted" || s === "approved") && states.some((s) => s === "submitted");
}

/** The statuses an item can show on the calendar (every one but archived), in the order filters list them. */
export const CALENDAR_STATUSES = ["draft", "in_translation", "awaiting_approval", "scheduled", "published", "partly_failed", "failed", "held"] as const;

/** Statuses the preparation decides; the others (published, held, …) belong to publishing. */
export const PLANNING_STATUSES: readonly string[] = ["draft", "in_translation", "awaiting_approval", "scheduled"];

export type ApprovalRefusal = "forbidden" | "ownItem";

/**
 * Four eyes: an approver may not approve an item they wrote, unless the team relaxed the rule
 * (a one-person team). Returns why not, or null.
 */
export function approvalRefusal(input: { roles: readonly string[]; userId: string; authorId: string; fourEyesRelaxed: boolean }): ApprovalRefusal | null {
  if (!input.roles.includes("approver")) return "forbidden";
  if (input.userId === input.authorId && !input.fourEyesRelaxed) return "ownItem";
  return null;
}

/** The last day to translate: `businessDays` business days before the publication date. */
export function translationDeadline(publicationDate: LocalDate, businessDays: number, calendar: BusinessCalendar = LEGAL_CALENDAR): LocalDate {
  return businessDays <= 0 ? publicationDate : addBusinessDays(publicationDate, -businessDays, calendar);
}

export interface DiffPart {
  kind: "same" | "added" | "removed";
  text: string;
}

/**
 * What changed between two texts, word by word (whitespace kept with the word before it), by the
 * longest common subsequence. Very long texts fall back to "all removed, all added".
 */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = before.match(/\S+\s*|\s+/g) ?? [];
  const b = after.match(/\S+\s*|\s+/g) ?? [];
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart["kind"], text: string) => {
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  if (a.length * b.length > 4_000_000) {
    if (before) push("removed", before);
    if (after) push("added", after);
    return parts;
  }
  const word = (t: string) => t.trimEnd();
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = word(a[i]!) === word(b[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (word(a[i]!) === word(b[j]!)) {
      push("same", b[j]!);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      push("removed", a[i++]!);
    } else {
      push("added", b[j++]!);
    }
  }
  while (i < a.length) push("removed", a[i++]!);
  while (j < b.length) push("added", b[j++]!);
  return parts;
}
