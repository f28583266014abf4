import { groupBy } from "./collections";

/**
 * The month's report: what the published posts achieved, per channel, per language, per citizen
 * question, with the team's goals beside. Pure: the same figures for the page, the export and the API.
 *
 * Definitions (docs/analytics.md):
 * - a post's figures are its latest reading that has any figure (a post read at 28 days counts its
 *   28-day figures; one published yesterday its 24-hour ones);
 * - engagement = likes + reposts + replies + quotes, over the figures its network offers; a post
 *   whose network offers none has no engagement ("not available"), and sums skip it;
 * - clicks = requests to the post's tracked link by clients that did not say they are robots.
 */

export interface Figures {
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
  impressions: number | null;
  views: number | null;
}

export type ReportLanguage = "fr" | "nl" | "both";

export interface PublishedPost {
  publicationId: string;
  itemId: string;
  channelId: string;
  publishedAt: string;
  language: ReportLanguage;
  text: string;
  remoteUrl: string | null;
  questionIds: readonly string[];
  /** The latest reading with any figure; null when the post has not been read yet. */
  figures: Figures | null;
  /** Null when the channel does not track links. */
  clicks: number | null;
}

export interface ReportChannel {
  id: string;
  name: string;
  network: string;
  language: string;
  goalPosts: number | null;
  goalEngagement: number | null;
}

export interface Totals {
  posts: number;
  /** Posts with at least one reading. */
  read: number;
  engagement: number | null;
  impressions: number | null;
  views: number | null;
  clicks: number | null;
  /** Engagement per read post with an engagement figure. */
  engagementPerPost: number | null;
  clicksPerPost: number | null;
}

export interface MonthReport {
  totals: Totals;
  channels: (ReportChannel & Totals)[];
  languages: Record<ReportLanguage, Totals>;
  /** French vs Dutch engagement per post: NL's as a share of FR's, and whether either side has too few posts to compare. */
  languageGap: { ratio: number | null; tooFew: boolean };
  topPosts: (PublishedPost & { engagement: number | null; channelName: string })[];
  questions: ({ id: string } & Totals)[];
}

/** The fewest posts per language for the French/Dutch comparison to say anything. */
export const MIN_POSTS_TO_COMPARE = 10;

export function engagementOf(f: Figures | null): number | null {
  if (!f) return null;
  const parts = [f.likes, f.reposts, f.replies, f.quotes].filter((x): x is number => x !== null);
  return parts.length === 0 ? null : parts.reduce((a, b) => a + b, 0);
}

const sumOf = (values: (number | null)[]): number | null => {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
};

export function totalsOf(posts: readonly PublishedPost[]): Totals {
  const engagements = posts.map((p) => engagementOf(p.figures));
  const engagement = sumOf(engagements);
  const withEngagement = engagements.filter((e) => e !== null).length;
  const clicks = sumOf(posts.map((p) => p.clicks));
  const tracked = posts.filter((p) => p.clicks !== null).length;
  return {
    posts: posts.length,
    read: posts.filter((p) => p.figures !== null).length,
    engagement,
    impressions: sumOf(posts.map((p) => p.figures?.impressions ?? null)),
    views: sumOf(posts.map((p) => p.figures?.views ?? null)),
    clicks,
    engagementPerPost: engagement !== null && withEngagement > 0 ? engagement / withEngagement : null,
    clicksPerPost: clicks !== null && tracked > 0 ? clicks / tracked : null,
  };
}

export function monthReport(posts: readonly PublishedPost[], channels: readonly ReportChannel[], questionIds: readonly string[], options: { top?: number } = {}): MonthReport {
  const byChannel = groupBy(posts, (p) => p.channelId);
  const languages = { fr: totalsOf(posts.filter((p) => p.language === "fr")), nl: totalsOf(posts.filter((p) => p.language === "nl")), both: totalsOf(posts.filter((p) => p.language === "both")) };
  const tooFew = languages.fr.posts < MIN_POSTS_TO_COMPARE || languages.nl.posts < MIN_POSTS_TO_COMPARE;
  const ratio = languages.fr.engagementPerPost && languages.nl.engagementPerPost !== null ? languages.nl.engagementPerPost / languages.fr.engagementPerPost : null;
  const names = new Map(channels.map((c) => [c.id, c.name]));
  const ranked = posts
    .map((p) => ({ ...p, engagement: engagementOf(p.figures), channelName: names.get(p.channelId) ?? "" }))
    .filter((p) => p.engagement !== null)
    .sort((a, b) => b.engagement! - a.engagement! || (b.clicks ?? 0) - (a.clicks ?? 0) || a.publishedAt.localeCompare(b.publishedAt));
  return {
    totals: totalsOf(posts),
    channels: channels.map((c) => ({ ...c, ...totalsOf(byChannel.get(c.id) ?? []) })),
    languages,
    languageGap: { ratio, tooFew },
    topPosts: ranked.slice(0, options.top ?? 10),
    questions: questionIds.map((id) => ({ id, ...totalsOf(posts.filter((p) => p.questionIds.includes(id))) })),
  };
}

/** One weekday × hour cell of the team's own results: how many posts, and their mean 7-day engagement. */
export interface TimeCell {
  weekday: number;
  hour: number;
  posts: number;
  meanEngagement: number | null;
}

/** Cells with fewer posts than this are shown, with their count, but not highlighted as best. */
export const MIN_POSTS_PER_CELL = 5;

/** The grid's cells (1 = Monday … 7 = Sunday, 0–23 h Brussels), the best ones marked among those with enough posts. */
export function timeGrid(cells: readonly TimeCell[]): { cells: (TimeCell & { best: boolean; few: boolean })[]; hours: number[] } {
  const solid = cells.filter((c) => c.posts >= MIN_POSTS_PER_CELL && c.meanEngagement !== null).sort((a, b) => b.meanEngagement! - a.meanEngagement!);
  const best = new Set(solid.slice(0, 3).map((c) => `${c.weekday}|${c.hour}`));
  const hours = [...new Set(cells.map((c) => c.hour))].sort((a, b) => a - b);
  return { cells: cells.map((c) => ({ ...c, best: best.has(`${c.weekday}|${c.hour}`), few: c.posts < MIN_POSTS_PER_CELL })), hours };
}
