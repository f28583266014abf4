import { loadExcel } from "./excel.server";
import { z } from "zod";
import { listChannels } from "../../db/repositories/channels";
import { listRecurringQuestions } from "../../db/repositories/recurring-questions";
import { goalsOf, monthPosts, questionHistory, saveGoal, timeCells } from "../../db/repositories/analytics";
import type { User } from "../../db/schema";
import { engagementOf, monthReport, timeGrid, type MonthReport, type PublishedPost, type ReportLanguage } from "../domain/analytics-report";
import { neutraliseFormula, toCsv, type CsvSeparator } from "../domain/csv";
import { differenceInDifferences, MAX_MONTHS_BEFORE, SEARCH_MONTHS, type DidResult, type QuestionSeries } from "../domain/did";
import { can } from "../domain/permissions";
import { brusselsMonthRange, shiftMonth } from "../domain/time/brussels";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";

/** Months of the team's own history behind the weekday × hour view. */
export const TIME_GRID_MONTHS = 12;
/** Months of contact-center volumes shown per question. */
export const VOLUME_MONTHS = SEARCH_MONTHS;

export interface QuestionOutcome {
  id: string;
  slug: string;
  labelFr: string;
  labelNl: string;
  /** The last VOLUME_MONTHS months: contacts (null: not imported) and whether posts covered the question then. */
  months: { month: string; volume: number | null; covered: boolean }[];
  did: DidResult;
}

export interface MonthAnalytics {
  month: string;
  report: MonthReport;
  posts: PublishedPost[];
  questions: { id: string; slug: string; labelFr: string; labelNl: string }[];
  time: ReturnType<typeof timeGrid> & { from: string; to: string };
  outcomes: QuestionOutcome[];
}

const languageOf = (languages: string): ReportLanguage => (languages === "fr" ? "fr" : languages === "nl" ? "nl" : "both");

/** The posts published in a month with their latest figures and clicks, and the questions by slug order (the report's and the API's common part). */
export async function monthPublishedPosts(ctx: AppContext, range: { start: Date; end: Date }): Promise<{ posts: PublishedPost[]; questions: MonthAnalytics["questions"] }> {
  const [rows, questionRows] = await Promise.all([monthPosts(ctx.db, range.start, range.end), listRecurringQuestions(ctx.db)]);
  const posts: PublishedPost[] = rows.map((r) => ({
    publicationId: r.id,
    itemId: r.content_item_id,
    channelId: r.channel_id,
    publishedAt: r.published_at.toISOString(),
    language: languageOf(r.languages),
    text: r.text,
    remoteUrl: r.remote_url,
    questionIds: r.question_ids,
    figures: r.read_at ? { likes: r.likes, reposts: r.reposts, replies: r.replies, quotes: r.quotes, impressions: r.impressions, views: r.views } : null,
    clicks: r.clicks,
  }));
  const questions = questionRows.map((q) => ({ id: q.id, slug: q.slug, labelFr: q.label_fr, labelNl: q.label_nl })).sort((a, b) => (a.slug < b.slug ? -1 : 1));
  return { posts, questions };
}

/** Everything the month's report shows, or null for a month that is not `yyyy-MM`. */
export async function monthAnalytics(ctx: AppContext, month: string): Promise<MonthAnalytics | null> {
  const range = brusselsMonthRange(month);
  if (!range) return null;
  const gridFrom = shiftMonth(month, -(TIME_GRID_MONTHS - 1));
  const [{ posts, questions }, channels, goals, cells, history] = await Promise.all([
    monthPublishedPosts(ctx, range),
    listChannels(ctx.db),
    goalsOf(ctx.db, month),
    timeCells(ctx.db, gridFrom, month),
    // Coverage starts are looked for in the months shown, with up to six months before them.
    questionHistory(ctx.db, month, shiftMonth(month, -(SEARCH_MONTHS + MAX_MONTHS_BEFORE - 1))),
  ]);
  const withPosts = new Set(posts.map((p) => p.channelId));
  const reportChannels = channels
    .filter((c) => c.active || withPosts.has(c.id))
    .map((c) => ({ id: c.id, name: c.name, network: c.network, language: c.language, goalPosts: goals.get(c.id)?.posts ?? null, goalEngagement: goals.get(c.id)?.engagement ?? null }));
  const report = monthReport(posts, reportChannels, questions.map((q) => q.id));
  // Did the questions fall? Every question's series, each covered one against the uncovered ones.
  const series: QuestionSeries[] = questions.map((q) => ({
    id: q.id,
    volumes: Object.fromEntries(history.volumes.filter((v) => v.id === q.id).map((v) => [v.month, v.count])),
    covered: history.covered.filter((c) => c.id === q.id).map((c) => c.month),
  }));
  const shown = Array.from({ length: VOLUME_MONTHS }, (_, i) => shiftMonth(month, i - VOLUME_MONTHS + 1));
  const outcomes = questions.map((q, i) => {
    const s = series[i]!;
    const covered = new Set(s.covered);
    return { ...q, months: shown.map((m) => ({ month: m, volume: s.volumes[m] ?? null, covered: covered.has(m) })), did: differenceInDifferences(s, series, month) };
  });
  return { month, report, posts, questions, time: { ...timeGrid(cells), from: gridFrom, to: month }, outcomes };
}

export const POST_COLUMNS = ["published_at", "channel", "network", "language", "questions", "likes", "reposts", "replies", "quotes", "impressions", "views", "engagement", "clicks", "url", "text"] as const;

/** One row per published post of the month; an empty cell is "not available", never 0. */
function postRows(data: MonthAnalytics): (string | number | null)[][] {
  const channels = new Map(data.report.channels.map((c) => [c.id, c]));
  const slugs = new Map(data.questions.map((q) => [q.id, q.slug]));
  return data.posts.map((p) => {
    const c = channels.get(p.channelId);
    const f = p.figures;
    return [p.publishedAt, c?.name ?? "", c?.network ?? "", p.language, p.questionIds.map((id) => slugs.get(id) ?? id).join(" "), f?.likes ?? null, f?.reposts ?? null, f?.replies ?? null, f?.quotes ?? null, f?.impressions ?? null, f?.views ?? null, engagementOf(f), p.clicks, p.remoteUrl ?? "", p.text];
  });
}

export function analyticsCsv(data: MonthAnalytics, separator: CsvSeparator): string {
  return toCsv(POST_COLUMNS, postRows(data), separator);
}

/** The report as a workbook: posts, channels, languages, questions. Text cells can never run as formulas. */
export async function analyticsXlsx(data: MonthAnalytics): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = "Cadence";
  const add = (name: string, header: readonly string[], rows: (string | number | null)[][]) => {
    const sheet = workbook.addWorksheet(name);
    sheet.addRow([...header]);
    for (const row of rows) sheet.addRow(row.map((cell) => (typeof cell === "string" ? neutraliseFormula(cell) : cell)));
    sheet.views = [{ state: "frozen", ySplit: 1 }];
    sheet.getRow(1).font = { bold: true };
  };
  const totalsRow = (t: MonthReport["totals"]) => [t.posts, t.read, t.engagement, t.impressions, t.views, t.clicks, t.engagementPerPost, t.clicksPerPost];
  const totalsHeader = ["posts", "read", "engagement", "impressions", "views", "clicks", "engagement_per_post", "clicks_per_post"];
  add("posts", POST_COLUMNS, postRows(data));
  add("channels", ["channel", "network", "language", ...totalsHeader, "goal_posts", "goal_engagement"], data.report.channels.map((c) => [c.name, c.network, c.language, ...totalsRow(c), c.goalPosts, c.goalEngagement]));
  add("languages", ["language", ...totalsHeader], (["fr", "nl", "both"] as const).map((l) => [l, ...totalsRow(data.report.languages[l])]));
  const bySlug = new Map(data.questions.map((q) => [q.id, q]));
  add("questions", ["question", "label_fr", "label_nl", ...totalsHeader], data.report.questions.map((q) => [bySlug.get(q.id)?.slug ?? q.id, bySlug.get(q.id)?.labelFr ?? "", bySlug.get(q.id)?.labelNl ?? "", ...totalsRow(q)]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const goalNumber = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : typeof v === "string" ? Number(v.trim()) : v), z.number().int("goals.error.number").min(0, "goals.error.number").max(1_000_000, "goals.error.number").nullable());
export const goalsInput = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, "goals.error.month"), goals: z.array(z.object({ channelId: z.string().uuid(), posts: goalNumber, engagement: goalNumber })) });

export type SaveGoalsResult = { ok: true } | { ok: false; status: 403 } | { ok: false; status: 400; errors: Record<string, string> };

/** An admin sets each channel's goals for a month, all or nothing; audited. */
export async function saveChannelGoals(ctx: AppContext, user: User, raw: unknown): Promise<SaveGoalsResult> {
  if (!can(user.roles, "channels.manage")) return { ok: false, status: 403 };
  const parsed = goalsInput.safeParse(raw);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[issue.path.join(".")] ??= issue.message.startsWith("goals.") ? issue.message : "goals.error.number";
    return { ok: false, status: 400, errors };
  }
  const channels = new Set((await listChannels(ctx.db)).map((c) => c.id));
  const unknown = parsed.data.goals.findIndex((g) => !channels.has(g.channelId));
  if (unknown >= 0) return { ok: false, status: 400, errors: { [`goals.${unknown}.channelId`]: "goals.error.channel" } };
  await ctx.db.transaction().execute(async (tx) => {
    for (const g of parsed.data.goals) await saveGoal(tx, g.channelId, parsed.data.month, { posts: g.posts, engagement: g.engagement });
    await audit(tx, actorOf(user), { action: "channel_goals.saved", subjectType: "month", subjectId: parsed.data.month, after: { goals: parsed.data.goals } });
  });
  return { ok: true };
}
