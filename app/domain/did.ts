/**
 * Did a citizen question reach the contact center less often once posts covered it? A
 * difference-in-differences on the monthly volumes: the covered question's change from the
 * uncovered months before its coverage started to the months from then on, minus the same change
 * in the questions nobody posted about in those months (they carry the season, the tax calendar, the news). Volumes are
 * compared on a log scale, so the result reads as a percentage and a large question does not
 * outweigh small ones.
 *
 * The uncertainty comes from the control questions themselves: how much their own before/after
 * changes scatter is how much a question changes with no posts at all. The estimate's 95 % interval
 * is the estimate ± t(0.975, n−1) × that scatter × √(1 + 1/n). When the interval includes 0, or
 * when there is too little history or too few control questions, the answer says it cannot tell.
 * See docs/analytics.md for a worked example.
 */

export interface QuestionSeries {
  id: string;
  /** Contact-center contacts per month (`yyyy-MM`); a month without a figure is missing, not 0. */
  volumes: Record<string, number>;
  /** The months in which at least one post tagged with the question was published. */
  covered: readonly string[];
}

export type DidVerdict = "fell" | "rose" | "no_clear_change" | "cannot_tell";

export interface DidResult {
  questionId: string;
  verdict: DidVerdict;
  /** Why it cannot tell: too few months before, none after, too few questions to compare with. */
  reason?: "no_coverage" | "short_history" | "no_months_after" | "few_controls" | "zero_volume";
  /** The first covered month, and the months compared before and after it. */
  firstCovered?: string;
  before?: string[];
  after?: string[];
  /** The change attributed to the posts, as a fraction (−0.25: a quarter fewer contacts). */
  effect?: number;
  /** Its 95 % interval, as fractions. */
  low?: number;
  high?: number;
  /** The covered question's own change, and the control questions' average change (fractions). */
  ownChange?: number;
  controlChange?: number;
  controls?: number;
}

export const MIN_MONTHS_BEFORE = 3;
export const MAX_MONTHS_BEFORE = 6;
export const MAX_MONTHS_AFTER = 3;
export const MIN_CONTROLS = 3;

/** Two-sided 97.5 % quantiles of Student's t for 1–30 degrees of freedom (then the normal's 1.96). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
const tQuantile = (df: number) => (df >= 1 && df <= 30 ? T975[df - 1]! : 1.96);

function shift(month: string, by: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean log volume over the months that have a figure (null if none, or any is 0: a log needs counts). */
function meanLog(volumes: Record<string, number>, months: readonly string[]): number | null | "zero" {
  const values = months.map((m) => volumes[m]).filter((v): v is number => v !== undefined);
  if (values.length === 0) return null;
  if (values.some((v) => v <= 0)) return "zero";
  return mean(values.map((v) => Math.log(v)));
}

/** How far back a coverage start is looked for: the months a report shows. */
export const SEARCH_MONTHS = 12;

/**
 * The estimate for one question, against every question not covered in the compared months. The
 * change is measured from the question's latest coverage start in the SEARCH_MONTHS months up to
 * `lastMonth` (a covered month after an uncovered one): "before" is the uncovered months just
 * before it (up to six, at least three), "after" the start and the two months that follow. A
 * question covered every month has no "before" and cannot be measured this way.
 */
export function differenceInDifferences(question: QuestionSeries, all: readonly QuestionSeries[], lastMonth: string): DidResult {
  const base = { questionId: question.id };
  const covered = new Set(question.covered);
  const searchFrom = shift(lastMonth, -(SEARCH_MONTHS - 1));
  const starts = [...covered].filter((m) => m >= searchFrom && m <= lastMonth && !covered.has(shift(m, -1))).sort();
  if (starts.length === 0) return { ...base, verdict: "cannot_tell", reason: [...covered].some((m) => m >= searchFrom && m <= lastMonth) ? "short_history" : "no_coverage" };
  const beforeOf = (start: string) => {
    const months: string[] = [];
    for (let i = 1; i <= MAX_MONTHS_BEFORE && !covered.has(shift(start, -i)); i++) months.unshift(shift(start, -i));
    return months.filter((m) => question.volumes[m] !== undefined);
  };
  // The latest start with enough months before it; else the latest one, to say why.
  const firstCovered = [...starts].reverse().find((m) => beforeOf(m).length >= MIN_MONTHS_BEFORE) ?? starts[starts.length - 1]!;
  const before = beforeOf(firstCovered);
  const after = Array.from({ length: MAX_MONTHS_AFTER }, (_, i) => shift(firstCovered, i)).filter((m) => m <= lastMonth && question.volumes[m] !== undefined);
  const window = { firstCovered, before, after };
  if (before.length < MIN_MONTHS_BEFORE) return { ...base, ...window, verdict: "cannot_tell", reason: "short_history" };
  if (after.length === 0) return { ...base, ...window, verdict: "cannot_tell", reason: "no_months_after" };
  const own = [meanLog(question.volumes, after), meanLog(question.volumes, before)];
  if (own.includes("zero")) return { ...base, ...window, verdict: "cannot_tell", reason: "zero_volume" };
  const ownDiff = (own[0] as number) - (own[1] as number);
  // Controls: questions with no post in the compared months and figures in them.
  const span = new Set([...before, ...after]);
  const controlDiffs: number[] = [];
  for (const other of all) {
    if (other.id === question.id || other.covered.some((m) => span.has(m))) continue;
    const a = meanLog(other.volumes, after);
    const b = meanLog(other.volumes, before);
    if (typeof a === "number" && typeof b === "number") controlDiffs.push(a - b);
  }
  if (controlDiffs.length < MIN_CONTROLS) return { ...base, ...window, verdict: "cannot_tell", reason: "few_controls", controls: controlDiffs.length };
  const controlMean = mean(controlDiffs);
  const estimate = ownDiff - controlMean;
  const sd = Math.sqrt(controlDiffs.reduce((s, d) => s + (d - controlMean) ** 2, 0) / (controlDiffs.length - 1));
  const margin = tQuantile(controlDiffs.length - 1) * sd * Math.sqrt(1 + 1 / controlDiffs.length);
  const low = estimate - margin;
  const high = estimate + margin;
  const verdict: DidVerdict = high < 0 ? "fell" : low > 0 ? "rose" : "no_clear_change";
  return {
    ...base,
    ...window,
    verdict,
    effect: Math.exp(estimate) - 1,
    low: Math.exp(low) - 1,
    high: Math.exp(high) - 1,
    ownChange: Math.exp(ownDiff) - 1,
    controlChange: Math.exp(controlMean) - 1,
    controls: controlDiffs.length,
  };
}
