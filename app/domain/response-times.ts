/**
 * The team's first-response times, as the response-time report shows them: per channel and
 * language, per language, and overall — how many conversations arrived, how many were answered,
 * the mean, median and 90th percentile of the time to the first answer (wall clock, in minutes),
 * and the share answered within the one-business-day rule. Conversations closed without an answer
 * (spam, thanks, off topic, handled elsewhere) need none and are counted apart; those not answered
 * and not yet due are pending and count in no figure but their own.
 */
export interface ResponseRow {
  channel: string;
  language: "fr" | "nl" | "other";
  arrivedAt: Date;
  firstResponseAt: Date | null;
  dueAt: Date;
  /** Closed without an answer, for a reason that needs none. */
  noAnswerNeeded: boolean;
}

export interface ResponseStats {
  channel: string | null;
  language: "fr" | "nl" | "other" | null;
  conversations: number;
  answered: number;
  pending: number;
  noAnswerNeeded: number;
  meanMinutes: number | null;
  medianMinutes: number | null;
  p90Minutes: number | null;
  /** Answered within the rule ÷ (answered + overdue without an answer); null when neither. */
  withinRuleShare: number | null;
}

/** The team's own average before Cadence: 2.5 hours. */
export const TEAM_REFERENCE_MINUTES = 150;

/** The p-quantile (0–1) of sorted values, by linear interpolation between ranks (PostgreSQL's percentile_cont). */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

function stats(rows: readonly ResponseRow[], now: Date, channel: string | null, language: ResponseStats["language"]): ResponseStats {
  const minutes: number[] = [];
  let onTime = 0;
  let late = 0;
  let pending = 0;
  let noAnswerNeeded = 0;
  for (const r of rows) {
    if (r.firstResponseAt) {
      minutes.push((r.firstResponseAt.getTime() - r.arrivedAt.getTime()) / 60_000);
      if (r.firstResponseAt <= r.dueAt) onTime++;
      else late++;
    } else if (r.noAnswerNeeded) noAnswerNeeded++;
    else if (r.dueAt < now) late++;
    else pending++;
  }
  minutes.sort((a, b) => a - b);
  return {
    channel,
    language,
    conversations: rows.length,
    answered: minutes.length,
    pending,
    noAnswerNeeded,
    meanMinutes: minutes.length > 0 ? minutes.reduce((a, b) => a + b, 0) / minutes.length : null,
    medianMinutes: quantile(minutes, 0.5),
    p90Minutes: quantile(minutes, 0.9),
    withinRuleShare: onTime + late > 0 ? onTime / (onTime + late) : null,
  };
}

/** Overall first, then each language, then each channel and language, in a stable order. */
export function responseTimeStats(rows: readonly ResponseRow[], now: Date): ResponseStats[] {
  const languages = (["fr", "nl", "other"] as const).filter((l) => rows.some((r) => r.language === l));
  const pairs = [...new Set(rows.map((r) => `${r.channel}\u0000${r.language}`))].sort((a, b) => a.localeCompare(b));
  return [
    stats(rows, now, null, null),
    ...languages.map((l) => stats(rows.filter((r) => r.language === l), now, null, l)),
    ...pairs.map((key) => {
      const [channel, language] = key.split("\u0000") as [string, ResponseRow["language"]];
      return stats(rows.filter((r) => r.channel === channel && r.language === language), now, channel, language);
    }),
  ];
}
