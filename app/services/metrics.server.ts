import { z } from "zod";
import { dueReadings, insertReadings, listMetricsChannels, publicationForReading, saveMetricsCursor } from "../../db/repositories/analytics";
import type { Channel, MetricMoment } from "../../db/schema";
import { adapterFor } from "../channels/registry.server";
import type { AdapterDeps, AdapterNetwork, MetricsOutcome, PostMetrics } from "../channels/types";
import { collectBackoff } from "./inbox.server";
import type { AppContext } from "./context.server";
import { adapterChannel, adapterDeps } from "./publishing.server";
import { forEachConcurrently, groupBy } from "../domain/collections";

/**
 * Reading what the posts achieved. Guarantees:
 * - each published post is read at 1 hour, 24 hours, 7 days and 28 days after publication, and
 *   whenever a person asks; one stored reading per scheduled moment, however often a round is
 *   resumed or run by two schedulers at once (a unique key keeps the first);
 * - a figure the network does not offer is stored as null and shown as "not available", never 0;
 * - posts are read in batches, one network call per batch where the API allows it, and a refusal
 *   (rate limit, outage, revoked token) stops that channel until the network's own reset time or
 *   a growing back-off, without touching the other channels;
 * - a crash between two batches loses nothing: the next round reads what has no reading yet.
 */

/** The networks whose adapters read metrics. */
export const METRICS_NETWORKS: readonly AdapterNetwork[] = ["mastodon", "bluesky", "x", "facebook", "linkedin", "youtube"];

/** At most this many calls per channel and round (a round runs every 5 minutes): well inside each network's limits. */
const CALLS_PER_ROUND: Partial<Record<AdapterNetwork, number>> = { x: 10, linkedin: 25, youtube: 20, facebook: 40, mastodon: 60, bluesky: 60 };

/** How many channels are read at the same time. */
const PARALLEL_CHANNELS = 4;

export interface MetricsRoundReport {
  due: number;
  stored: number;
  gone: number;
  calls: number;
  channels: number;
  skipped: number;
  failed: number;
}

const NOT_AVAILABLE: PostMetrics = { likes: null, reposts: null, replies: null, quotes: null, impressions: null, views: null };

/** One collection round: every post whose reading is due, channel by channel, batch by batch. */
export async function collectMetrics(ctx: AppContext, options: { deps?: AdapterDeps; limit?: number } = {}): Promise<MetricsRoundReport> {
  const deps = options.deps ?? adapterDeps(ctx);
  const now = ctx.now();
  const due = await dueReadings(ctx.db, now, options.limit ?? 50_000, METRICS_NETWORKS);
  const report: MetricsRoundReport = { due: due.length, stored: 0, gone: 0, calls: 0, channels: 0, skipped: 0, failed: 0 };
  const byChannel = groupBy(due, (d) => d.channelId);
  const channels = await listMetricsChannels(ctx.db, [...byChannel.keys()]);
  await forEachConcurrently(channels, PARALLEL_CHANNELS, async (next) => {
    if (next.notBefore && next.notBefore > now) {
      report.skipped++;
      return;
    }
    report.channels++;
    await readChannel(ctx, deps, next.channel, next.failures, byChannel.get(next.channel.id)!, report);
  });
  return report;
}

async function readChannel(ctx: AppContext, deps: AdapterDeps, channel: Channel, failures: number, due: readonly { publicationId: string; remoteId: string; moment: MetricMoment }[], report: MetricsRoundReport): Promise<void> {
  const adapter = adapterFor(channel.network);
  if (!adapter.readMetrics) return;
  const batch = adapter.metricsBatch ?? 1;
  const maxCalls = CALLS_PER_ROUND[channel.network] ?? 10;
  const target = adapterChannel(ctx, channel);
  let waitUntil: Date | null = null;
  for (let start = 0, calls = 0; start < due.length && calls < maxCalls; start += batch, calls++) {
    const chunk = due.slice(start, start + batch);
    report.calls++;
    const outcome = await safely(() => adapter.readMetrics!(target, [...new Set(chunk.map((d) => d.remoteId))], deps));
    if (outcome.kind !== "ok") {
      report.failed++;
      const now = ctx.now();
      const notBefore = outcome.kind === "retry" && outcome.notBefore ? outcome.notBefore : collectBackoff(now, failures + 1);
      // Never the figures: the network's reason only.
      ctx.log.warn("metrics read refused", { channel: channel.id, network: channel.network, code: outcome.code, failures: failures + 1 });
      await saveMetricsCursor(ctx.db, channel.id, { readAt: null, notBefore, failures: failures + 1, errorCode: outcome.code, error: outcome.detail.slice(0, 300) });
      return;
    }
    const at = ctx.now();
    const rows = chunk.flatMap((d) => {
      const m = outcome.metrics.get(d.remoteId);
      if (m === undefined) return [];
      if (m === "gone") report.gone++;
      return [{ publicationId: d.publicationId, moment: d.moment, at, ...(m === "gone" ? NOT_AVAILABLE : m) }];
    });
    // Awaited first: `report.stored += await …` would read the total before other channels added to it.
    const stored = await insertReadings(ctx.db, rows);
    report.stored += stored;
    if (outcome.notBefore && outcome.notBefore > at) {
      waitUntil = outcome.notBefore;
      break;
    }
  }
  await saveMetricsCursor(ctx.db, channel.id, { readAt: ctx.now(), notBefore: waitUntil, failures: 0, errorCode: null, error: null });
}

async function safely(read: () => Promise<MetricsOutcome>): Promise<MetricsOutcome> {
  try {
    return await read();
  } catch (error) {
    return { kind: "retry", code: "network.server", detail: error instanceof Error ? error.message : String(error) };
  }
}

export type ReadNowResult = { ok: true; metrics: PostMetrics } | { ok: false; reason: "not_found" | "not_supported" | "gone" | "refused"; code?: string; notBefore?: Date };

/** A person asks for a post's figures now: one read, stored as an "asked" reading. */
export async function readPublicationNow(ctx: AppContext, publicationId: string, options: { deps?: AdapterDeps } = {}): Promise<ReadNowResult> {
  if (!z.string().uuid().safeParse(publicationId).success) return { ok: false, reason: "not_found" };
  const target = await publicationForReading(ctx.db, publicationId);
  if (!target) return { ok: false, reason: "not_found" };
  const [entry] = await listMetricsChannels(ctx.db, [target.channelId]);
  if (!entry) return { ok: false, reason: "not_supported" };
  const adapter = adapterFor(entry.channel.network);
  if (!adapter.readMetrics) return { ok: false, reason: "not_supported" };
  if (entry.notBefore && entry.notBefore > ctx.now()) return { ok: false, reason: "refused", code: "rate_limited", notBefore: entry.notBefore };
  const outcome = await safely(() => adapter.readMetrics!(adapterChannel(ctx, entry.channel), [target.remoteId], options.deps ?? adapterDeps(ctx)));
  if (outcome.kind !== "ok") return { ok: false, reason: "refused", code: outcome.code, notBefore: outcome.kind === "retry" ? outcome.notBefore : undefined };
  const m = outcome.metrics.get(target.remoteId);
  if (!m || m === "gone") return { ok: false, reason: "gone" };
  await insertReadings(ctx.db, [{ publicationId, moment: "asked", at: ctx.now(), ...m }]);
  return { ok: true, metrics: m };
}
