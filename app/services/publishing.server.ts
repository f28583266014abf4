import { publicationMediaIds, publicationMediaIdsMany, rememberPublicationMedia, rememberPublicationMediaMany, type RememberedMedia } from "../../db/repositories/media";
import { altDigest } from "../channels/media-upload.server";
import { openMedia } from "./media.server";
import { randomUUID } from "node:crypto";
import { claimDuePublications, finishClaim, finishPublishedMany, listStuckSending, markSent, markSentMany, type SentCall, nextDueAt, takeOverClaim, type ClaimedPublication } from "../../db/repositories/publication-claims";
import { findChannelById as findChannel, markChannelNeedsReconnect } from "../../db/repositories/channels";
import { findOutboxMessage, insertOutboxMessage, insertOutboxMessages } from "../../db/repositories/outbox";
import type { Channel } from "../../db/schema";
import { findPairRowsMany, type PairRows } from "../../db/repositories/review";
import { teamSettings, type TeamSettings } from "./settings.server";
import { adapterFor } from "../channels/registry.server";
import type { AdapterChannel, AdapterDeps, AdapterNetwork, ErrorCode, PublishInput, PublishOutcome } from "../channels/types";
import type { AppContext } from "./context.server";
import { listChannels, setChannelCredentials } from "../../db/repositories/channels";
import { readChannelCredentials, sealChannelCredentials } from "./credentials-crypto.server";
import { checkPublishable } from "./review.server";
import { groupCommit } from "./group-commit";
import { trackLink } from "./tracked-links.server";
import { diskState, megabytes, throttledDiskCheck, type DiskState } from "./disk.server";
import { HistogramTally } from "../domain/histogram";
import { LAG_FLUSH_MS, periodicFlush } from "./metric-totals.server";

/** A claim older than this, still "sending", belongs to a process that died or hung. */
export const CLAIM_LEASE_MS = 90_000;
/** Each network call is abandoned after this (its outcome is then unknown). */
export const CALL_TIMEOUT_MS = 20_000;

/** A channel as an adapter sees it, credentials decrypted. */
export function adapterChannel(ctx: AppContext, channel: Channel): AdapterChannel {
  return { id: channel.id, network: channel.network, name: channel.name, handle: channel.handle, baseUrl: channel.base_url, credentials: readChannelCredentials(ctx.config.credentialsKey, channel) };
}

export function rememberedMedia(ctx: AppContext, publicationId: string, hash: string, id: string, alt: string | undefined): RememberedMedia {
  return { publicationId, hash, id, at: ctx.now(), ...(alt !== undefined ? { altDigest: altDigest(alt) } : {}) };
}

export function adapterDeps(ctx: AppContext, fetchImpl: typeof fetch = fetch, options: { groupCommit?: boolean } = {}): AdapterDeps {
  return {
    fetch: fetchImpl,
    now: ctx.now,
    timeoutMs: CALL_TIMEOUT_MS,
    media: {
      read: async (hash) => {
        const file = await openMedia(ctx, hash, "original");
        if (!file) return null;
        return { bytes: Buffer.concat(await file.body.toArray()), contentType: file.contentType };
      },
      open: async (hash, start) => {
        const file = await openMedia(ctx, hash, "original", start);
        if (!file) return null;
        return { body: file.body, size: file.size ?? Number(file.media.bytes), contentType: file.contentType };
      },
      // The publisher's burst reads and remembers its uploads in a few statements, not one commit each.
      uploaded: options.groupCommit ? groupCommit((ids: string[]) => publicationMediaIdsMany(ctx.db, ids)) : (publicationId) => publicationMediaIds(ctx.db, publicationId),
      remember: options.groupCommit
        ? (() => {
            const write = groupCommit((rows: RememberedMedia[]) => rememberPublicationMediaMany(ctx.db, rows));
            return (publicationId: string, hash: string, id: string, alt?: string) => write(rememberedMedia(ctx, publicationId, hash, id, alt));
          })()
        : (publicationId, hash, id, alt) => rememberPublicationMedia(ctx.db, rememberedMedia(ctx, publicationId, hash, id, alt)),
    },
    outbox: {
      // The publisher delivers a burst to the outbox in a few statements rather than one commit each.
      deliver: options.groupCommit ? groupCommit((messages) => insertOutboxMessages(ctx.db, messages)) : (message) => insertOutboxMessage(ctx.db, message),
      find: async (key) => {
        const row = await findOutboxMessage(ctx.db, key);
        return row ? { id: Number(row.id) } : undefined;
      },
    },
  };
}

/** Exponential backoff with ±20 % jitter: 30 s, 1 min, 2 min … at most 15 min; never before the network's own signal. */
export function nextAttempt(now: Date, attempts: number, notBefore: Date | undefined, random: () => number = Math.random, baseMs = 30_000): Date {
  const base = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 15 * 60_000);
  const jittered = base * (0.8 + 0.4 * random());
  const own = now.getTime() + jittered;
  return new Date(Math.max(own, notBefore ? notBefore.getTime() + 250 : 0));
}

type PublishResult = "published" | "retry" | "failed" | "unconfirmed" | "lost";

/** What a publication sends, built afresh from the database: the parity rule is checked again here. */
/**
 * What a batch of claims shares: the team's settings and the channels, read once per batch rather
 * than once per publication (a burst of a thousand reads them once).
 */
export interface BatchCache {
  settings?: Promise<TeamSettings>;
  channels: Map<string, Promise<Channel | undefined>>;
  /** The batch's items with their variants, channels and exception, read together at claim time. */
  pairs?: Promise<Map<string, PairRows>>;
}

/**
 * The network a channel publishes to. In demo mode a channel without credentials publishes to the
 * local outbox: the demo publishes for real, without accounts on the networks.
 */
function networkOf(ctx: AppContext, channel: Channel): AdapterNetwork {
  return ctx.config.demo && !channel.credentials_encrypted ? "outbox" : channel.network;
}

function channelOf(ctx: AppContext, cache: BatchCache, channelId: string): Promise<Channel | undefined> {
  let row = cache.channels.get(channelId);
  if (!row) {
    row = findChannel(ctx.db, channelId);
    cache.channels.set(channelId, row);
  }
  return row;
}

/**
 * The two writes every publication makes around its network call. One statement each by default;
 * the publisher groups them (group commit), so a burst of due publications is a few commits.
 */
export interface PublicationWrites {
  /** False when the claim is no longer this worker's: then no network call may be made. */
  markSent(call: SentCall): Promise<boolean>;
  finishPublished(id: string, workerId: string, outcome: { remoteId: string | null; remoteUrl: string | null; at: Date }): Promise<boolean>;
  /** Told of each call about to go out (its start recorded): the publish lag's observation. */
  sent?(network: string, lagSeconds: number): void;
}

function singleWrites(ctx: AppContext): PublicationWrites {
  return {
    markSent: (call) => markSent(ctx.db, call),
    finishPublished: (id, workerId, outcome) => finishClaim(ctx.db, id, workerId, { state: "published", ...outcome }),
  };
}

function groupedWrites(ctx: AppContext): PublicationWrites {
  const sent = groupCommit((rows: SentCall[]) => markSentMany(ctx.db, rows));
  const published = groupCommit((rows: { id: string; workerId: string; remoteId: string | null; remoteUrl: string | null; at: Date }[]) =>
    finishPublishedMany(ctx.db, rows),
  );
  return {
    markSent: sent,
    finishPublished: (id, workerId, outcome) => published({ id, workerId, ...outcome }),
  };
}

export function newBatchCache(): BatchCache {
  return { channels: new Map() };
}

/** A batch's cache with its items read together up front (when there are several); a failed read leaves each publication to read its own. */
export function batchCacheFor(ctx: AppContext, batch: readonly Pick<ClaimedPublication, "contentItemId">[]): BatchCache {
  const cache = newBatchCache();
  if (batch.length > 1) {
    cache.pairs = findPairRowsMany(
      ctx.db,
      batch.map((c) => c.contentItemId),
    ).catch(() => new Map<string, PairRows>());
  }
  return cache;
}

export async function inputFor(
  ctx: AppContext,
  claimed: Pick<ClaimedPublication, "id" | "contentItemId" | "channelId" | "idempotencyKey" | "remoteKey" | "dueAt">,
  cache: BatchCache = newBatchCache(),
  options: { trackLinks?: boolean } = {},
): Promise<{ input: PublishInput; network: AdapterNetwork } | { refused: string }> {
  if (!cache.settings) {
    cache.settings = teamSettings(ctx.db);
    // Awaited below, after another read: a database lost meanwhile must not leave it unhandled.
    cache.settings.catch(() => undefined);
  }
  const prefetched = cache.pairs ? (await cache.pairs).get(claimed.contentItemId) : undefined;
  const check = await checkPublishable(ctx.db, claimed.contentItemId, await cache.settings, prefetched);
  if (!check.ok) return { refused: check.reasons.map((r) => r.code).join(", ") || "item not found" };
  if (check.item && !["scheduled", "published", "partly_failed", "failed"].includes(check.item.status)) return { refused: `item is ${check.item.status}` };
  const planned = check.texts.find((t) => t.channelId === claimed.channelId);
  if (!planned) return { refused: "channel no longer planned" };
  const channel = await channelOf(ctx, cache, claimed.channelId);
  if (!channel) return { refused: "channel deleted" };
  // A channel that tracks links sends Cadence's short address for this publication instead.
  const link = channel.track_links && planned.link && options.trackLinks !== false ? await trackLink(ctx, claimed.id, planned.link) : planned.link;
  return {
    network: networkOf(ctx, channel),
    input: {
      publicationId: claimed.id,
      idempotencyKey: claimed.idempotencyKey,
      remoteKey: claimed.remoteKey,
      channel: adapterChannel(ctx, channel),
      text: planned.text,
      link,
      languages: planned.languages,
      dueAt: claimed.dueAt,
      itemId: claimed.contentItemId,
      ...(planned.visuals.length > 0 ? { visuals: planned.visuals.map((v) => ({ hash: v.hash, kind: v.kind, alt: v.alt })) } : {}),
    },
  };
}

/**
 * Sends one claimed publication and records the outcome. The claim ("sending") was committed before
 * this; the call's start is recorded as sent_at (the publish lag). A retry goes back to "scheduled"
 * with its next attempt; an unknown outcome is retried only where the network can tell a second
 * call from a first (idempotency key, record key, outbox), else it is "unconfirmed" for a person.
 */
export async function publishClaimed(
  ctx: AppContext,
  claimed: ClaimedPublication,
  workerId: string,
  deps: AdapterDeps,
  retryBaseMs = 30_000,
  cache?: BatchCache,
  writes: PublicationWrites = singleWrites(ctx),
): Promise<PublishResult> {
  const now = ctx.now();
  if (now.getTime() > claimed.deadlineAt.getTime()) {
    return (await finishClaim(ctx.db, claimed.id, workerId, { state: "failed", errorCode: "deadline_passed", error: "the retry window closed before it could go out" })) ? "failed" : "lost";
  }
  const built = await inputFor(ctx, claimed, cache);
  if ("refused" in built) {
    return (await finishClaim(ctx.db, claimed.id, workerId, { state: "failed", errorCode: "not_publishable", error: built.refused })) ? "failed" : "lost";
  }
  const adapter = adapterFor(built.network);
  const input = built.input;
  // The record key (if the network lets us choose it) and the call's start, stored before the call.
  if (adapter.prepare && !input.remoteKey) input.remoteKey = adapter.prepare(input).remoteKey;
  // The fence: the call's start is recorded only while the claim is still ours, and without that
  // record there is no call. A publisher that stalled past its lease (GC pause, frozen VM, slow
  // database) finds its claim taken over by recovery and sends nothing.
  const sentAt = ctx.now();
  if (!(await writes.markSent({ id: claimed.id, workerId, sentAt, remoteKey: input.remoteKey, text: input.text, link: input.link }))) {
    ctx.log.warn("publication claim taken over before the call; not sending", { publication: claimed.id });
    return "lost";
  }
  writes.sent?.(built.network, (sentAt.getTime() - claimed.dueAt.getTime()) / 1000);
  let outcome: PublishOutcome;
  try {
    outcome = await adapter.publish(input, deps);
  } catch (error) {
    // A bug or an unexpected answer in an adapter: the call may have gone out.
    outcome = { kind: "unknown", code: "outcome_unknown", detail: error instanceof Error ? error.message : String(error) };
  }
  return await record(ctx, claimed, workerId, built.network, outcome, retryBaseMs, writes);
}

async function record(
  ctx: AppContext,
  claimed: Pick<ClaimedPublication, "id" | "attempts" | "deadlineAt" | "channelId">,
  workerId: string | null,
  network: AdapterNetwork,
  outcome: PublishOutcome,
  retryBaseMs: number,
  writes: PublicationWrites,
): Promise<PublishResult> {
  const now = ctx.now();
  const adapter = adapterFor(network);
  const log = (result: string, extra: Record<string, unknown> = {}) =>
    ctx.log.info("publication", { publication: claimed.id, network, result, attempts: claimed.attempts, ...extra });
  if (outcome.kind === "published") {
    const ok = workerId
      ? await writes.finishPublished(claimed.id, workerId, { remoteId: outcome.remoteId, remoteUrl: outcome.remoteUrl, at: now })
      : await finishClaim(ctx.db, claimed.id, null, { state: "published", remoteId: outcome.remoteId, remoteUrl: outcome.remoteUrl, at: now });
    log("published", { remoteId: outcome.remoteId });
    return ok ? "published" : "lost";
  }
  if (outcome.kind === "failed") {
    if (outcome.reconnect) await markChannelNeedsReconnect(ctx.db, claimed.channelId, `${outcome.code}: ${outcome.detail}`);
    const ok = await finishClaim(ctx.db, claimed.id, workerId, { state: "failed", errorCode: outcome.code, error: outcome.detail });
    log("failed", { code: outcome.code, detail: outcome.detail });
    return ok ? "failed" : "lost";
  }
  const retryable = outcome.kind === "retry" || (outcome.kind === "unknown" && !!adapter.check);
  if (!retryable) {
    const ok = await finishClaim(ctx.db, claimed.id, workerId, { state: "unconfirmed", errorCode: outcome.code, error: outcome.detail });
    log("unconfirmed", { code: outcome.code, detail: outcome.detail });
    return ok ? "unconfirmed" : "lost";
  }
  const next = nextAttempt(now, claimed.attempts, outcome.kind === "retry" ? outcome.notBefore : undefined, Math.random, retryBaseMs);
  if (next.getTime() > claimed.deadlineAt.getTime()) {
    const ok = await finishClaim(ctx.db, claimed.id, workerId, { state: "failed", errorCode: outcome.code, error: `${outcome.detail} (retry window closed)` });
    log("failed", { code: outcome.code, detail: outcome.detail, windowClosed: true });
    return ok ? "failed" : "lost";
  }
  const ok = await finishClaim(ctx.db, claimed.id, workerId, { state: "scheduled", nextAttemptAt: next, errorCode: outcome.code, error: outcome.detail });
  log("retry", { code: outcome.code, next: next.toISOString() });
  return ok ? "retry" : "lost";
}

export interface PublisherOptions {
  signal: AbortSignal;
  workerId?: string;
  /** Calls in flight at once. */
  concurrency?: number;
  deps?: AdapterDeps;
  /** The longest sleep between looks at the queue (new or moved work is seen within it). */
  maxSleepMs?: number;
  /** The first retry's delay (doubled each time); 30 s in production. */
  retryBaseMs?: number;
  /** The data folder's disk; publishing pauses while it is low (diskState by default). */
  diskCheck?: () => DiskState;
  /** Called after each look at the queue with how many publications it claimed (tests wait on it rather than on the clock). */
  onRound?: (claimed: number) => void;
}

/**
 * The publisher: claims due publications in batches and sends them, `concurrency` at a time; when
 * nothing is due, sleeps until the next due instant (at most `maxSleepMs`, so new or moved work is
 * seen soon). Any number of publishers may run against one database.
 */
export async function runPublisher(ctx: AppContext, options: PublisherOptions): Promise<{ published: number; failed: number; retried: number; unconfirmed: number }> {
  const workerId = options.workerId ?? `publisher-${process.pid}-${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? 32;
  const deps = options.deps ?? adapterDeps(ctx, fetch, { groupCommit: true });
  // The publish lag, observed at each call and added to the all-time totals every few seconds.
  const lags = new HistogramTally();
  const writes: PublicationWrites = { ...groupedWrites(ctx), sent: (network, seconds) => lags.observe("cadence_publish_lag_seconds", { network }, seconds) };
  const flushLags = periodicFlush(ctx, lags, LAG_FLUSH_MS);
  const maxSleep = options.maxSleepMs ?? 1_000;
  const counts = { published: 0, failed: 0, retried: 0, unconfirmed: 0 };
  const inFlight = new Set<Promise<void>>();
  const disk = throttledDiskCheck(options.diskCheck ?? (() => diskState(ctx)));
  let pausedForDisk = false;
  while (!options.signal.aborted) {
    // A disk nearly full: nothing new is claimed (calls in flight finish and record their outcome),
    // so that no publication is left half-recorded when PostgreSQL runs out of room.
    const space = disk();
    if (space.low) {
      if (!pausedForDisk) ctx.log.warn("publishing paused: the data folder's disk is almost full", { freeMb: megabytes(space.freeBytes), minFreeMb: megabytes(space.minFreeBytes) });
      pausedForDisk = true;
      await Promise.race([sleep(Math.min(maxSleep, 1_000), options.signal), ...inFlight]);
      continue;
    }
    if (pausedForDisk) ctx.log.info("publishing resumed: the disk has room again", { freeMb: megabytes(space.freeBytes) });
    pausedForDisk = false;
    const room = concurrency - inFlight.size;
    let claimed: ClaimedPublication[] = [];
    // Claims go in batches (each claim is a commit): when a quarter of the slots are free, or all.
    if (room > 0 && (room >= Math.max(1, Math.floor(concurrency / 4)) || inFlight.size === 0)) {
      try {
        claimed = await claimDuePublications(ctx.db, workerId, ctx.now(), room);
      } catch (error) {
        // The database is restarting or unreachable: wait and try again.
        ctx.log.warn("publisher cannot reach the database", { error: error instanceof Error ? error.message : String(error) });
        await sleep(1_000, options.signal);
        continue;
      }
    }
    options.onRound?.(claimed.length);
    void flushLags(false);
    const cache = batchCacheFor(ctx, claimed);
    for (const c of claimed) {
      const task: Promise<void> = publishClaimed(ctx, c, workerId, deps, options.retryBaseMs, cache, writes)
        .then((result) => {
          if (result === "published") counts.published++;
          else if (result === "failed") counts.failed++;
          else if (result === "retry") counts.retried++;
          else if (result === "unconfirmed") counts.unconfirmed++;
        })
        .catch((error: unknown) => {
          // The claim stays "sending"; recovery will settle it after the lease.
          ctx.log.error("publication could not be recorded", { publication: c.id, error: error instanceof Error ? error.message : String(error) });
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    if (claimed.length > 0 && claimed.length === room) continue;
    if (inFlight.size > concurrency - Math.max(1, Math.floor(concurrency / 4))) {
      await Promise.race(inFlight);
      continue;
    }
    // Nothing more due now: sleep until the next due instant, or a short while.
    let wait = maxSleep;
    try {
      const next = await nextDueAt(ctx.db);
      if (next) wait = Math.max(0, Math.min(maxSleep, next.getTime() - ctx.now().getTime()));
    } catch {
      wait = maxSleep;
    }
    if (inFlight.size > 0) await Promise.race([sleep(wait, options.signal), ...inFlight]);
    else await sleep(wait, options.signal);
  }
  await Promise.allSettled([...inFlight]);
  await flushLags(true);
  return counts;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Recovery as a loop beside the publisher, in the same worker (decision 0029): the first sweep
 * `firstAfterMs` after start, then every `everyMs`, until the signal. A failed sweep is logged and
 * tried again at the next one.
 */
export async function runRecovery(ctx: AppContext, options: { signal: AbortSignal; everyMs?: number; firstAfterMs?: number; leaseMs?: number }): Promise<{ recovered: number; unconfirmed: number; rescheduled: number }> {
  const total = { recovered: 0, unconfirmed: 0, rescheduled: 0 };
  await sleep(options.firstAfterMs ?? 20_000, options.signal);
  while (!options.signal.aborted) {
    try {
      const swept = await recoverStuckPublications(ctx, { leaseMs: options.leaseMs });
      total.recovered += swept.recovered;
      total.unconfirmed += swept.unconfirmed;
      total.rescheduled += swept.rescheduled;
      if (swept.recovered + swept.unconfirmed + swept.rescheduled > 0) ctx.log.info("stuck publications settled", swept);
    } catch (error) {
      ctx.log.warn("recovery sweep failed; tried again at the next one", { error: error instanceof Error ? error.message : String(error) });
    }
    await sleep(options.everyMs ?? 30_000, options.signal);
  }
  return total;
}

/**
 * Settles publications left "sending" by a process that died or hung: where the network can say
 * whether the call went out (idempotency key, record key, outbox), it is asked; otherwise the
 * publication becomes "unconfirmed" and a person checks. Never a blind second call.
 */
export async function recoverStuckPublications(ctx: AppContext, options: { deps?: AdapterDeps; leaseMs?: number } = {}): Promise<{ recovered: number; unconfirmed: number; rescheduled: number }> {
  const deps = options.deps ?? adapterDeps(ctx);
  const me = `recovery-${process.pid}-${randomUUID().slice(0, 8)}`;
  const stuck = await listStuckSending(ctx.db, new Date(ctx.now().getTime() - (options.leaseMs ?? CLAIM_LEASE_MS)), 500);
  const result = { recovered: 0, unconfirmed: 0, rescheduled: 0 };
  const cache = newBatchCache();
  for (const p of stuck) {
    if (!(await takeOverClaim(ctx.db, p.id, p.claimed_by, me, ctx.now()))) continue;
    const claimed = { id: p.id, contentItemId: p.content_item_id, channelId: p.channel_id, idempotencyKey: p.idempotency_key, remoteKey: p.remote_key, dueAt: p.due_at, deadlineAt: p.deadline_at, attempts: p.attempts };
    const channel = await channelOf(ctx, cache, p.channel_id);
    const adapter = channel ? adapterFor(networkOf(ctx, channel)) : null;
    // Never called the network (crashed before sent_at was written): simply due again.
    if (!p.sent_at && channel) {
      await finishClaim(ctx.db, p.id, me, { state: "scheduled", nextAttemptAt: ctx.now(), errorCode: "outcome_unknown", error: "the scheduler stopped before calling the network" });
      result.rescheduled++;
      continue;
    }
    let verdict: "published" | "absent" | "unknown" = "unknown";
    let remote: { remoteId: string | null; remoteUrl: string | null } = { remoteId: null, remoteUrl: null };
    if (adapter?.check && channel) {
      const built = await inputFor(ctx, claimed, cache);
      if (!("refused" in built)) {
        try {
          const checked = await adapter.check(built.input, deps);
          verdict = checked.kind;
          if (checked.kind === "published") remote = { remoteId: checked.remoteId, remoteUrl: checked.remoteUrl };
        } catch {
          verdict = "unknown";
        }
      }
    }
    if (verdict === "published") {
      await finishClaim(ctx.db, p.id, me, { state: "published", ...remote, at: ctx.now() });
      result.recovered++;
    } else if (verdict === "absent" && ctx.now().getTime() < p.deadline_at.getTime()) {
      await finishClaim(ctx.db, p.id, me, { state: "scheduled", nextAttemptAt: ctx.now(), errorCode: "outcome_unknown", error: "the scheduler stopped during the call; the network has no such post: sending again" });
      result.rescheduled++;
    } else {
      const code: ErrorCode = "outcome_unknown";
      await finishClaim(ctx.db, p.id, me, { state: "unconfirmed", errorCode: code, error: "the scheduler stopped during the call and the network cannot say whether the post went out: check the account" });
      result.unconfirmed++;
    }
  }
  return result;
}

/**
 * Renews the access tokens that expire within `withinMs` (X: two hours; LinkedIn: 60 days), for
 * channels whose credentials hold a refresh token and an expiry. A refused refresh marks the channel
 * "needs reconnecting" (its publications wait); a network error is tried again at the next run.
 */
export async function refreshExpiringTokens(ctx: AppContext, options: { deps?: AdapterDeps; withinMs?: number } = {}): Promise<{ refreshed: number; failed: number }> {
  const deps = options.deps ?? adapterDeps(ctx);
  const horizon = ctx.now().getTime() + (options.withinMs ?? 30 * 60_000);
  const result = { refreshed: 0, failed: 0 };
  for (const channel of await listChannels(ctx.db, { activeOnly: true })) {
    if (!channel.credentials_encrypted) continue;
    const adapter = adapterFor(channel.network);
    if (!adapter.refresh) continue;
    const ac = adapterChannel(ctx, channel);
    const expiresAt = Date.parse(ac.credentials.expiresAt ?? "");
    if (!ac.credentials.refreshToken || Number.isNaN(expiresAt) || expiresAt > horizon) continue;
    const answer = await adapter.refresh(ac, deps);
    if (answer.ok) {
      await setChannelCredentials(ctx.db, channel.id, sealChannelCredentials(ctx.config.credentialsKey, channel.id, answer.credentials));
      result.refreshed++;
      ctx.log.info("channel token refreshed", { channel: channel.id, network: channel.network });
    } else {
      result.failed++;
      if (answer.permanent) await markChannelNeedsReconnect(ctx.db, channel.id, `${answer.code}: ${answer.detail}`);
      ctx.log.warn("channel token refresh failed", { channel: channel.id, network: channel.network, code: answer.code, detail: answer.detail });
    }
  }
  return result;
}
