import type { UploadedMedia } from "../domain/visuals";

/**
 * One interface for every network. An adapter turns one publication into one network call and
 * says, without ambiguity, what happened: published, worth retrying (and from when), failed for
 * good, or unknown (the call may have reached the network: never retried blindly).
 */

export type AdapterNetwork = "x" | "facebook" | "linkedin" | "mastodon" | "bluesky" | "youtube" | "webhook" | "outbox";

export interface AdapterChannel {
  id: string;
  network: AdapterNetwork;
  name: string;
  handle: string;
  /** The API's base URL; each network has a default, and tests point it at local servers. */
  baseUrl: string | null;
  /** Decrypted credentials (never logged). */
  credentials: Record<string, string>;
}

export interface PublishInput {
  publicationId: string;
  /** Chosen when the publication was created; the same for every attempt. */
  idempotencyKey: string;
  /** A record key chosen before the first call, where the network lets the client choose (Bluesky). */
  remoteKey: string | null;
  channel: AdapterChannel;
  text: string;
  link: string | null;
  languages: ("fr" | "nl")[];
  dueAt: Date;
  itemId: string;
  /** Set for an answer to a citizen: the message it answers (Mastodon and Bluesky). */
  replyTo?: ReplyTarget;
  /** The post's images or video, in order, each with its alt text as it goes out (only to adapters that carry visuals). */
  visuals?: readonly { hash: string; kind: "image" | "video"; alt: string }[];
}

/** The citizen's message an answer is attached to, as the network needs it. */
export interface ReplyTarget {
  remoteId: string;
  remoteCid: string | null;
  rootRemoteId: string | null;
  rootRemoteCid: string | null;
  authorHandle: string;
  /** Mastodon: a direct message is answered directly. */
  visibility: string | null;
}

/** A message a citizen addressed to a channel, as collected: only what the inbox needs, no profile. */
export interface IncomingMessage {
  remoteId: string;
  remoteCid: string | null;
  rootRemoteId: string | null;
  rootRemoteCid: string | null;
  inReplyToRemoteId: string | null;
  authorHandle: string;
  /** Plain text (Mastodon's HTML is turned into text). */
  text: string;
  writtenAt: Date;
  visibility: string | null;
}

/**
 * One collection round of a channel: the new messages, oldest first, and the position to store once
 * they are saved (so a crash before that collects them again, and their unique key drops the copies).
 * A refusal after some pages keeps what was read and says when to come back.
 */
export type CollectOutcome =
  | { kind: "ok"; messages: IncomingMessage[]; position: string | null; notBefore?: Date }
  | { kind: "retry"; code: ErrorCode; detail: string; notBefore?: Date }
  | { kind: "failed"; code: ErrorCode; detail: string; reconnect?: boolean };

export interface CollectOptions {
  pageSize: number;
  maxPages: number;
  /**
   * The channel's own recent posts (network ids, newest first): where comments are read per post
   * (Facebook, LinkedIn), not from a notification list.
   */
  recentPosts: readonly string[];
}

/**
 * A post's public figures as its network gives them. null means the network does not offer that
 * figure (or not to this account): "not available", never 0.
 */
export type PostMetrics = import("../domain/analytics-report").Figures;

/**
 * One metrics read of a batch of posts: the figures by the post's network id. A post the network
 * no longer shows (deleted, hidden) is "gone". `notBefore` says the rate limit is spent until then.
 */
export type MetricsOutcome =
  | { kind: "ok"; metrics: Map<string, PostMetrics | "gone">; notBefore?: Date }
  | { kind: "retry"; code: ErrorCode; detail: string; notBefore?: Date }
  | { kind: "failed"; code: ErrorCode; detail: string; reconnect?: boolean };

/** Stable codes for what went wrong; people read them in their language, with the network's own words beside. */
export type ErrorCode =
  | "network.unreachable"
  | "network.timeout"
  | "network.server"
  | "rate_limited"
  | "auth.invalid"
  | "permission"
  | "validation"
  | "duplicate"
  | "credits_depleted"
  | "not_supported"
  | "not_publishable"
  | "deadline_passed"
  | "outcome_unknown"
  | "config";

export type PublishOutcome =
  | { kind: "published"; remoteId: string | null; remoteUrl: string | null }
  | { kind: "retry"; code: ErrorCode; detail: string; notBefore?: Date }
  | { kind: "failed"; code: ErrorCode; detail: string; reconnect?: boolean }
  | { kind: "unknown"; code: ErrorCode; detail: string };

/** What staging a post's visuals came to: uploaded (or already there), or why not (the post's own call will try again). */
export type StageOutcome = { ok: true } | { ok: false; outcome: PublishOutcome };

/** After a crash or timeout: did the earlier call go out? */
export type CheckOutcome = { kind: "published"; remoteId: string | null; remoteUrl: string | null } | { kind: "absent" } | { kind: "unknown" };

export interface AdapterDeps {
  fetch: typeof fetch;
  now: () => Date;
  /** Milliseconds before a call is abandoned (its outcome is then unknown). */
  timeoutMs: number;
  /** The media library and what a publication already uploaded (adapters that carry visuals). */
  media?: {
    /** A stored file's bytes with its type. */
    read(hash: string): Promise<{ bytes: Buffer; contentType: string } | null>;
    /** A stored file as a stream from byte `start` (a video is never held in memory), with its whole size. */
    open(hash: string, start: number): Promise<{ body: import("node:stream").Readable; size: number; contentType: string } | null>;
    /** What the publication already uploaded, by file hash (the network's id, when, and a digest of the alt text sent with it). */
    uploaded(publicationId: string): Promise<Record<string, UploadedMedia>>;
    /** Stores an upload's id before the post call that names it (with the alt text it carries, where the upload sets one). */
    remember(publicationId: string, hash: string, id: string, alt?: string): Promise<void>;
  };
  /** The local outbox's store (the outbox adapter only). */
  outbox?: {
    deliver(message: { publicationId: string; channelId: string; idempotencyKey: string; payload: unknown }): Promise<{ id: number; duplicate: boolean }>;
    find(idempotencyKey: string): Promise<{ id: number } | undefined>;
  };
}

export interface ChannelAdapter {
  network: AdapterNetwork;
  /** Chooses what must be stored before the call (e.g. a Bluesky record key). */
  prepare?(input: Pick<PublishInput, "remoteKey">): { remoteKey: string };
  publish(input: PublishInput, deps: AdapterDeps): Promise<PublishOutcome>;
  /**
   * Whether an earlier call for this publication went out, where the network can tell (Mastodon's
   * idempotency key, Bluesky's record key, the outbox). Absent means the adapter cannot tell.
   */
  check?(input: PublishInput, deps: AdapterDeps): Promise<CheckOutcome>;
  /**
   * Renews an expiring access token with the stored refresh token (networks whose tokens expire).
   * Returns the credentials to store (refresh tokens rotate: the new one replaces the old).
   */
  refresh?(channel: AdapterChannel, deps: AdapterDeps): Promise<{ ok: true; credentials: Record<string, string> } | { ok: false; code: ErrorCode; detail: string; permanent: boolean }>;
  /** Reads what people addressed to the channel since `position` (mentions, replies, quotes). */
  collect?(channel: AdapterChannel, position: string | null, deps: AdapterDeps, options: CollectOptions): Promise<CollectOutcome>;
  /**
   * Public posts that contain a watched term, newer than `position` (where the network offers
   * search: Bluesky's searchPosts, the Mastodon instance's full-text search). The account's own
   * posts are left out.
   */
  search?(channel: AdapterChannel, term: string, position: string | null, deps: AdapterDeps, options: { pageSize: number; maxPages: number }): Promise<CollectOutcome>;
  /** Reads the public figures of the channel's own posts, `metricsBatch` at a time (one network call per batch where the API allows). */
  readMetrics?(channel: AdapterChannel, remoteIds: readonly string[], deps: AdapterDeps): Promise<MetricsOutcome>;
  /** How many posts one readMetrics call takes. */
  metricsBatch?: number;
  /**
   * Uploads a post's visuals ahead of its minute (staging), remembering the network's ids as the
   * post call would: at the minute only the post call remains. Never posts. Absent where the
   * upload is the post itself (YouTube, Facebook videos).
   */
  stageMedia?(input: PublishInput, deps: AdapterDeps): Promise<StageOutcome>;
  /** Sends a post's images and videos with it (through the network's media API). */
  carriesVisuals?: boolean;
  /** Sends videos too (not only images). */
  carriesVideos?: boolean;
  /** The account's server's own media limits, where it publishes them (Mastodon's /api/v2/instance); null when unreadable. */
  mediaLimits?(channel: AdapterChannel, deps: AdapterDeps): Promise<import("../domain/network-media").InstanceMediaLimits | null>;
  /** A harmless authenticated call, for the "test connection" button. */
  testConnection(channel: AdapterChannel, deps: AdapterDeps): Promise<{ ok: true; account: string } | { ok: false; code: ErrorCode; detail: string }>;
}

/** Reads a reset header: Unix epoch seconds, an ISO 8601 instant, or (Retry-After) seconds or an HTTP date. */
export function parseResetHeader(value: string | null, kind: "epoch" | "iso" | "retry-after", now: Date): Date | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (kind === "epoch") {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : undefined;
  }
  if (kind === "iso") {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : new Date(t);
  }
  if (/^\d+$/.test(v)) return new Date(now.getTime() + Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** The later of several instants (X has a 15-minute and a 24-hour bucket). */
export function latest(...dates: (Date | undefined)[]): Date | undefined {
  return dates.reduce<Date | undefined>((a, d) => (d && (!a || d > a) ? d : a), undefined);
}

/** What a refused metrics read means: wait for the rate limit, try again later, or reconnect. */
export function refusedMetricsRead(status: number, detail: string, reset: Date | undefined): Exclude<MetricsOutcome, { kind: "ok" }> {
  if (status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: reset };
  if (status >= 500) return { kind: "retry", code: "network.server", detail };
  if (status === 401) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
  if (status === 403) return { kind: "failed", code: "permission", detail };
  return { kind: "failed", code: "validation", detail };
}

/** A count from a JSON answer: a non-negative integer, or null when absent (not offered). */
export function countOf(value: unknown): number | null {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? Math.min(n, 2_147_483_647) : null;
}
