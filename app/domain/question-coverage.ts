/**
 * What a month's plan answers: per recurring question, its posts by language against its share of
 * the citizens' questions, and which questions with a high volume the plan leaves out. And, for a
 * day with no post, which questions to cover first.
 */

export interface CoverageQuestion {
  id: string;
  slug: string;
  labelFr: string;
  labelNl: string;
  /** Citizen questions this month (the contact center's count, else the question's usual volume). */
  volume: number;
}

export interface QuestionCoverageRow extends CoverageQuestion {
  planned: { fr: number; nl: number };
  published: { fr: number; nl: number };
  /** This question's part of all citizen questions, 0–1. */
  volumeShare: number;
  /** This question's part of all tagged posts of the month (by pair), 0–1. */
  postShare: number;
  /** A high volume and no post planned in either language. */
  flagged: boolean;
}

/** A question is "high volume" from this share of all citizen questions, or if among the top third. */
export const HIGH_VOLUME_SHARE = 0.05;

export function questionCoverage(
  questions: readonly CoverageQuestion[],
  counts: readonly { questionId: string; language: "fr" | "nl"; planned: number; published: number }[],
): QuestionCoverageRow[] {
  const totalVolume = questions.reduce((sum, q) => sum + q.volume, 0);
  const rows = questions.map((q) => {
    const planned = { fr: 0, nl: 0 };
    const published = { fr: 0, nl: 0 };
    for (const c of counts) {
      if (c.questionId !== q.id) continue;
      planned[c.language] += c.planned;
      published[c.language] += c.published;
    }
    return { ...q, planned, published, volumeShare: totalVolume > 0 ? q.volume / totalVolume : 0, postShare: 0, flagged: false };
  });
  // A pair counts once: the larger of its two languages' counts.
  const posts = (r: QuestionCoverageRow) => Math.max(r.planned.fr, r.planned.nl);
  const totalPosts = rows.reduce((sum, r) => sum + posts(r), 0);
  const byVolume = [...rows].filter((r) => r.volume > 0).sort((a, b) => b.volume - a.volume);
  const topThird = new Set(byVolume.slice(0, Math.ceil(byVolume.length / 3)).map((r) => r.id));
  for (const r of rows) {
    r.postShare = totalPosts > 0 ? posts(r) / totalPosts : 0;
    r.flagged = posts(r) === 0 && r.volume > 0 && (r.volumeShare >= HIGH_VOLUME_SHARE || topThird.has(r.id));
  }
  return rows.sort((a, b) => b.volume - a.volume || (a.slug < b.slug ? -1 : 1));
}

/** Days since a question was last covered that count in full; longer is no more urgent. */
const FULL_GAP_DAYS = 60;

/**
 * The questions to cover on an empty day, most urgent first: a large volume, and a long time since
 * the last post about it (never covered counts as the full gap).
 */
export function rankGapQuestions<Q extends { id: string; slug: string; volume: number }>(
  questions: readonly Q[],
  lastCovered: ReadonlyMap<string, string>,
  date: string,
  limit = 3,
): (Q & { daysSince: number | null })[] {
  const day = Date.parse(`${date}T12:00:00Z`);
  return questions
    .map((q) => {
      const last = lastCovered.get(q.id);
      const daysSince = last ? Math.max(0, Math.round((day - Date.parse(`${last}T12:00:00Z`)) / 86_400_000)) : null;
      const urgency = q.volume * (Math.min(daysSince ?? FULL_GAP_DAYS, FULL_GAP_DAYS) / FULL_GAP_DAYS);
      return { ...q, daysSince, urgency };
    })
    .filter((q) => q.urgency > 0)
    .sort((a, b) => b.urgency - a.urgency || (a.slug < b.slug ? -1 : 1))
    .slice(0, limit)
    .map(({ urgency: _urgency, ...q }) => q as Q & { daysSince: number | null });
}
