/**
 * Early warning: are citizens writing far more than usual? The last hour's messages are compared
 * with the same hour of the four previous weeks (a Monday 9:00 with Mondays 9:00, so the rhythm of
 * the week and the day does not raise an alarm by itself). A surge is at least `factor` times the
 * usual count, and at least `minimum` messages, so that a quiet hour going from one message to four
 * does not wake anyone. The defaults (3 times, 10 messages) are the team's own rule of thumb, not
 * values tuned on data.
 */
export interface SurgeRule {
  factor: number;
  minimum: number;
}

export const DEFAULT_SURGE_RULE: SurgeRule = { factor: 3, minimum: 10 };

export interface SurgeVerdict {
  surge: boolean;
  count: number;
  /** The mean of the same hour over the previous weeks. */
  usual: number;
}

export function detectSurge(lastHour: number, sameHourBefore: readonly number[], rule: SurgeRule = DEFAULT_SURGE_RULE): SurgeVerdict {
  const usual = sameHourBefore.length > 0 ? sameHourBefore.reduce((a, b) => a + b, 0) / sameHourBefore.length : 0;
  // With no history, "usual" is taken as one message an hour: the minimum then decides.
  return { surge: lastHour >= rule.minimum && lastHour >= rule.factor * Math.max(1, usual), count: lastHour, usual };
}
