import { z } from "zod";
import { publicationSummary, readingsOf, readingsPublishedIn } from "../../db/repositories/analytics";
import { engagementOf } from "../domain/analytics-report";
import { brusselsMonthRange } from "../domain/time/brussels";
import type { UiLanguage } from "../i18n";
import { monthAnalytics, monthPublishedPosts } from "./analytics.server";
import { apiJson, problem } from "./api.server";
import type { AppContext } from "./context.server";
import { readPublicationNow } from "./metrics.server";
import { pushTo } from "../domain/collections";

/**
 * Metrics and reports for the administration's own BI tools: the month's report as the page shows
 * it, every reading of a month's posts, one publication's readings, and a reading on request.
 * Figures a network does not offer are null, never 0.
 */

type Reading = { moment: string; read_at: Date; likes: number | null; reposts: number | null; replies: number | null; quotes: number | null; impressions: number | null; views: number | null };
const readingJson = (r: Reading) => ({ moment: r.moment, readAt: r.read_at.toISOString(), likes: r.likes, reposts: r.reposts, replies: r.replies, quotes: r.quotes, impressions: r.impressions, views: r.views, engagement: engagementOf(r) });

/** GET /api/v1/reports/analytics/{month}. */
export async function apiAnalyticsReport(ctx: AppContext, lang: UiLanguage, month: string): Promise<Response> {
  const data = await monthAnalytics(ctx, month);
  if (!data) return problem(lang, 404, "api.error.notFound");
  const slug = new Map(data.questions.map((q) => [q.id, q.slug]));
  return apiJson({
    month,
    totals: data.report.totals,
    languages: data.report.languages,
    languageGap: data.report.languageGap,
    channels: data.report.channels,
    topPosts: data.report.topPosts.map((p) => ({ publicationId: p.publicationId, itemId: p.itemId, channelId: p.channelId, publishedAt: p.publishedAt, language: p.language, engagement: p.engagement, clicks: p.clicks, url: p.remoteUrl })),
    questions: data.report.questions.map((q) => ({ ...q, slug: slug.get(q.id) ?? null })),
    times: data.time.cells.map(({ weekday, hour, posts, meanEngagement, few }) => ({ weekday, hour, posts, meanEngagement, few })),
    contactCenter: data.outcomes.map((o) => ({ questionId: o.id, slug: o.slug, months: o.months, estimate: o.did })),
  });
}

/** GET /api/v1/metrics?month=yyyy-MM: every reading of the posts published that month. */
export async function apiMonthMetrics(ctx: AppContext, lang: UiLanguage, month: string | null): Promise<Response> {
  const range = month ? brusselsMonthRange(month) : null;
  if (!range) return problem(lang, 422, "api.error.invalid", { errors: [{ field: "month", detail: "yyyy-MM" }] });
  // Only the posts and their readings: the report's other parts (grid, estimates, goals) are not needed here.
  const [data, readings] = await Promise.all([monthPublishedPosts(ctx, range), readingsPublishedIn(ctx.db, range.start, range.end)]);
  const byPublication = new Map<string, ReturnType<typeof readingJson>[]>();
  for (const r of readings) pushTo(byPublication, r.publication_id, readingJson(r));
  const slug = new Map(data.questions.map((q) => [q.id, q.slug]));
  return apiJson({
    month,
    publications: data.posts.map((p) => ({
      id: p.publicationId,
      itemId: p.itemId,
      channelId: p.channelId,
      language: p.language,
      publishedAt: p.publishedAt,
      url: p.remoteUrl,
      questions: p.questionIds.map((id) => slug.get(id) ?? id),
      clicks: p.clicks,
      readings: byPublication.get(p.publicationId) ?? [],
    })),
  });
}

const uuid = z.string().uuid();

/** GET /api/v1/publications/{id}/metrics: one publication's readings, oldest first. */
export async function apiPublicationMetrics(ctx: AppContext, lang: UiLanguage, id: string): Promise<Response> {
  const publication = uuid.safeParse(id).success ? await publicationSummary(ctx.db, id) : undefined;
  if (!publication) return problem(lang, 404, "api.error.notFound");
  return apiJson({
    publicationId: publication.id,
    itemId: publication.content_item_id,
    channelId: publication.channel_id,
    network: publication.network,
    state: publication.state,
    publishedAt: publication.published_at?.toISOString() ?? null,
    url: publication.remote_url,
    readings: (await readingsOf(ctx.db, id)).map(readingJson),
  });
}

/** POST /api/v1/publications/{id}/metrics: reads the post's figures now (an "asked" reading). */
export async function apiReadNow(ctx: AppContext, lang: UiLanguage, id: string): Promise<Response> {
  const result = await readPublicationNow(ctx, id);
  if (result.ok) {
    const [latest] = (await readingsOf(ctx.db, id)).filter((r) => r.moment === "asked").slice(-1);
    return apiJson(readingJson(latest!), 201);
  }
  if (result.reason === "not_found") return problem(lang, 404, "api.error.notFound");
  if (result.reason === "refused") return problem(lang, 503, "analytics.readFailed.refused", { code: result.code ?? null }, result.notBefore ? { "Retry-After": String(Math.max(1, Math.ceil((result.notBefore.getTime() - ctx.now().getTime()) / 1000))) } : {});
  return problem(lang, 409, result.reason === "gone" ? "analytics.readFailed.gone" : "analytics.readFailed.not_supported");
}
