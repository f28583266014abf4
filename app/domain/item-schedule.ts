import { resolveLocalTime, type LocalDateTime, type Occurrence } from "./time/brussels";

/** Statuses whose items stay where they are: what went out is history. */
const FIXED_STATUSES = new Set(["published", "partly_failed", "archived"]);

export function canMove(status: string): boolean {
  return !FIXED_STATUSES.has(status);
}

/** Only items that never went out can be deleted; the others are archived. */
export function canDelete(status: string): boolean {
  return !FIXED_STATUSES.has(status);
}

export function canArchive(status: string): boolean {
  return status === "published" || status === "partly_failed";
}

export type SchedulingRefusal =
  | { reason: "invalid" }
  | { reason: "nonexistent"; proposal: LocalDateTime }
  | { reason: "past" }
  | { reason: "fixed"; status: string };

export type SchedulingDecision =
  | { ok: true; scheduledAt: Date; localDate: string; localTime: string; occurrence: Occurrence; ambiguous: boolean }
  | { ok: false; refusal: SchedulingRefusal };

/**
 * Whether an item may be placed at a Brussels date and time: a real wall-clock time (a DST gap is
 * refused with the first valid time after it), not in the past, and not an item that already went out.
 */
export function decideSchedule(input: {
  now: Date;
  status: string;
  localDate: string;
  localTime: string;
  occurrence?: Occurrence;
}): SchedulingDecision {
  if (!canMove(input.status)) return { ok: false, refusal: { reason: "fixed", status: input.status } };
  const resolved = resolveLocalTime(input.localDate, input.localTime, { occurrence: input.occurrence });
  if (!resolved.ok) {
    return { ok: false, refusal: resolved.reason === "nonexistent" ? { reason: "nonexistent", proposal: resolved.proposal } : { reason: "invalid" } };
  }
  if (resolved.scheduledAt.getTime() <= input.now.getTime()) return { ok: false, refusal: { reason: "past" } };
  return {
    ok: true,
    scheduledAt: resolved.scheduledAt,
    localDate: resolved.localDate,
    localTime: resolved.localTime,
    occurrence: resolved.occurrence,
    ambiguous: resolved.ambiguous,
  };
}

/** The language-specific texts a channel receives: French channels the French text, bilingual ones both. */
export function languagesForChannel(channelLanguage: "fr" | "nl" | "bilingual"): ("fr" | "nl")[] {
  return channelLanguage === "bilingual" ? ["fr", "nl"] : [channelLanguage];
}

/** What a bilingual channel publishes: both texts, French first by default, separated by a blank line. */
export function bilingualText(texts: { fr: string; nl: string }, order: "fr-nl" | "nl-fr" = "fr-nl"): string {
  const [first, second] = order === "fr-nl" ? [texts.fr, texts.nl] : [texts.nl, texts.fr];
  return [first.trim(), second.trim()].filter((t) => t !== "").join("\n\n");
}
