import { dropWatchCursorsExcept, listCollectableChannels, listWatchCursors, lockWatch, saveWatchCursor } from "../../db/repositories/inbox";
import { adapterFor } from "../channels/registry.server";
import type { AdapterDeps, AdapterNetwork, CollectOutcome } from "../channels/types";
import type { AppContext } from "./context.server";
import { refusedCursor, storeMessages } from "./inbox.server";
import { adapterChannel, adapterDeps } from "./publishing.server";
import { teamSettings } from "./settings.server";

/** Networks whose adapters can search public posts. */
export const SEARCHING_NETWORKS: readonly AdapterNetwork[] = (["mastodon", "bluesky", "x", "facebook", "linkedin"] as const).filter((n) => adapterFor(n).search !== undefined);

export interface WatchReport {
  searches: number;
  found: number;
  skipped: number;
  failed: number;
}

/**
 * One round of keyword watches: each watched term (team settings) searched on each active channel
 * whose network offers search, from where the last round stopped. What is found goes to the
 * inbox's "Watched" queue (its own conversations, outside the one-business-day rule); a post
 * that was also addressed to us is stored once. Position and posts are saved in one transaction.
 * Citizens' words are never logged.
 */
export async function collectWatches(ctx: AppContext, options: { deps?: AdapterDeps; pageSize?: number } = {}): Promise<WatchReport> {
  const report: WatchReport = { searches: 0, found: 0, skipped: 0, failed: 0 };
  const terms = (await teamSettings(ctx.db)).watchTerms;
  await dropWatchCursorsExcept(ctx.db, terms);
  if (terms.length === 0) return report;
  const deps = options.deps ?? adapterDeps(ctx);
  const channels = (await listCollectableChannels(ctx.db, SEARCHING_NETWORKS)).map((c) => c.channel);
  const cursors = new Map((await listWatchCursors(ctx.db, channels.map((c) => c.id))).map((c) => [`${c.channel_id}|${c.term}`, c]));
  for (const channel of channels) {
    const adapter = adapterFor(channel.network);
    for (const term of terms) {
      const cursor = cursors.get(`${channel.id}|${term}`);
      const now = ctx.now();
      if (cursor?.not_before && cursor.not_before > now) {
        report.skipped++;
        continue;
      }
      report.searches++;
      let outcome: CollectOutcome;
      try {
        outcome = await adapter.search!(adapterChannel(ctx, channel), term, cursor?.position ?? null, deps, { pageSize: options.pageSize ?? 40, maxPages: 5 });
      } catch (error) {
        outcome = { kind: "retry", code: "network.server", detail: error instanceof Error ? error.message : String(error) };
      }
      if (outcome.kind !== "ok") {
        report.failed++;
        const failures = (cursor?.failures ?? 0) + 1;
        ctx.log.warn("inbox watch refused", { channel: channel.id, network: channel.network, code: outcome.code, failures });
        await saveWatchCursor(ctx.db, channel.id, term, refusedCursor(cursor?.position ?? null, now, failures, outcome));
        continue;
      }
      const stored = await ctx.db.transaction().execute(async (tx) => {
        if (!(await lockWatch(tx, channel.id, term))) return -1;
        const n = await storeMessages(tx, channel, outcome.messages, "watch");
        await saveWatchCursor(tx, channel.id, term, { position: outcome.position, polledAt: now, notBefore: outcome.notBefore ?? null, failures: 0, errorCode: null, error: null });
        return n;
      });
      if (stored < 0) report.skipped++;
      else report.found += stored;
    }
  }
  return report;
}
