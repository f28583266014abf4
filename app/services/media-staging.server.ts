import { rememberStagedMedia, takePublicationsToStage } from "../../db/repositories/media";
import { adapterFor } from "../channels/registry.server";
import { forEachConcurrently } from "../domain/collections";
import type { AdapterDeps, StageOutcome } from "../channels/types";
import type { AppContext } from "./context.server";
import { adapterDeps, batchCacheFor, inputFor, rememberedMedia, sleep } from "./publishing.server";

/**
 * Staging: a post's visuals go to the network in the minutes before its minute, so that at the
 * minute only the post call remains (a photo's upload, an instance's processing or a video's parts
 * take seconds to minutes on the real networks). The ids are remembered on the publication as the
 * post call would remember them, and the post reuses them while the network keeps them.
 *
 * - Staging never posts: it makes media calls only, whose worst outcome is an unattached upload
 *   the network discards. The post itself still needs the publisher's claim (the fence).
 * - Only publications that could go out now are staged: waiting, approved and publishable, on an
 *   active channel, under no hold. What changes afterwards is caught at the minute: a visual with
 *   another file or another alt text is uploaded again then.
 * - An id is stored only while the publication is still waiting; once a publisher has claimed it,
 *   the publisher's own uploads are the ones its post names.
 * - A failed staging changes nothing: the post uploads at its minute, as without staging.
 */

/** How far ahead visuals are staged: shorter than any network keeps unattached media (Bluesky's blobs: an hour). */
export const STAGING_HORIZON_MS = 15 * 60_000;
/** A publication staged this long ago is looked at again (moved, edited or re-approved since). */
export const RESTAGE_AFTER_MS = 30 * 60_000;

export interface StagingRound {
  taken: number;
  staged: number;
  failed: number;
}

/** The adapters' dependencies for staging: ids are stored only while the publication still waits. */
export function stagingDeps(ctx: AppContext, base: AdapterDeps = adapterDeps(ctx)): AdapterDeps {
  if (!base.media) return base;
  return {
    ...base,
    media: {
      ...base.media,
      remember: async (publicationId, hash, id, alt) => {
        await rememberStagedMedia(ctx.db, rememberedMedia(ctx, publicationId, hash, id, alt));
      },
    },
  };
}

/** One round: takes up to `limit` publications due within the horizon and stages them, `concurrency` at a time. */
export async function stageUpcomingMedia(ctx: AppContext, options: { deps?: AdapterDeps; limit?: number; concurrency?: number; horizonMs?: number } = {}): Promise<StagingRound> {
  const deps = options.deps ?? stagingDeps(ctx);
  const now = ctx.now();
  const limit = options.limit ?? 64;
  const taken = await takePublicationsToStage(ctx.db, now, new Date(now.getTime() + (options.horizonMs ?? STAGING_HORIZON_MS)), new Date(now.getTime() - RESTAGE_AFTER_MS), limit);
  const round: StagingRound = { taken: taken.length, staged: 0, failed: 0 };
  if (taken.length === 0) return round;
  const cache = batchCacheFor(ctx, taken);
  await forEachConcurrently(taken, options.concurrency ?? 8, async (publication) => {
    const built = await inputFor(ctx, publication, cache, { trackLinks: false });
    // Not publishable now (not approved, parity, moved off the channel): the minute decides.
    if ("refused" in built || !built.input.visuals?.length) return;
    const adapter = adapterFor(built.network);
    if (!adapter.stageMedia) return;
    let outcome: StageOutcome;
    try {
      outcome = await adapter.stageMedia(built.input, deps);
    } catch (error) {
      outcome = { ok: false, outcome: { kind: "unknown", code: "outcome_unknown", detail: error instanceof Error ? error.message : String(error) } };
    }
    if (outcome.ok) {
      round.staged++;
    } else {
      round.failed++;
      const why = outcome.outcome;
      ctx.log.warn("visuals not staged ahead; they go with the post at its minute", { publication: publication.id, network: built.network, ...(why.kind === "published" ? {} : { code: why.code, detail: why.detail }) });
    }
  });
  return round;
}

/**
 * The stager beside the publisher: a round every `everyMs` (at once again while rounds come back
 * full), until the signal. A database that cannot be reached is waited for, as the publisher does.
 */
export async function runStager(ctx: AppContext, options: { signal: AbortSignal; everyMs?: number; concurrency?: number; limit?: number; deps?: AdapterDeps }): Promise<{ staged: number; failed: number }> {
  const deps = options.deps ?? stagingDeps(ctx, adapterDeps(ctx, fetch, { groupCommit: true }));
  const limit = options.limit ?? 64;
  const totals = { staged: 0, failed: 0 };
  while (!options.signal.aborted) {
    let round: StagingRound = { taken: 0, staged: 0, failed: 0 };
    try {
      round = await stageUpcomingMedia(ctx, { deps, limit, concurrency: options.concurrency ?? 8 });
    } catch (error) {
      ctx.log.warn("stager cannot reach the database", { error: error instanceof Error ? error.message : String(error) });
    }
    totals.staged += round.staged;
    totals.failed += round.failed;
    if (round.taken < limit) await sleep(options.everyMs ?? 5_000, options.signal);
  }
  return totals;
}
