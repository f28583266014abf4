import { createHash, randomBytes } from "node:crypto";
import { detectFacets } from "../domain/bluesky-facets";
import { composeBody } from "../domain/channel-text";
import { NETWORK_MEDIA_RULES } from "../domain/network-media";
import { uploadImagesOnce } from "./media-upload.server";
import { errorText, httpCall, withoutResponse } from "./http.server";
import { countOf, parseResetHeader, refusedMetricsRead, type AdapterChannel, type AdapterDeps, type ChannelAdapter, type CollectOutcome, type IncomingMessage, type MetricsOutcome, type PostMetrics, type PublishInput, type PublishOutcome } from "./types";

const DEFAULT_PDS = "https://bsky.social";
const S32 = "234567abcdefghijklmnopqrstuvwxyz";

/** A record key in the TID format (13 base32-sortable characters), chosen before the call. */
export function newTid(now: Date): string {
  let micros = BigInt(now.getTime()) * 1000n + BigInt(randomBytes(2).readUInt16BE(0) % 1000);
  let out = "";
  for (let i = 0; i < 11; i++) {
    out = S32[Number(micros & 31n)]! + out;
    micros >>= 5n;
  }
  const clock = randomBytes(2).readUInt16BE(0) % 1024;
  return out + S32[(clock >> 5) & 31]! + S32[clock & 31]!;
}

interface Session {
  accessJwt: string;
  refreshJwt: string | null;
  did: string;
  handle: string;
  pds: string;
}

/**
 * Sessions are cached per channel and credentials (new credentials, new session): createSession is
 * limited to a few dozen calls per account and day, so an expired access token is renewed with
 * refreshSession, and a new session is created only when that fails.
 */
const sessions = new Map<string, Session>();
const sessionKey = (channel: AdapterChannel) =>
  `${channel.id}:${createHash("sha256").update(`${channel.baseUrl ?? ""}\u0000${channel.credentials.identifier ?? channel.handle}\u0000${channel.credentials.appPassword ?? ""}`).digest("hex")}`;

/** Renews an expired access token with the session's refresh token (com.atproto.server.refreshSession); else a new session. */
async function renewed(channel: AdapterChannel, deps: AdapterDeps, expired: Session): Promise<Session | PublishOutcome> {
  if (expired.refreshJwt) {
    const r = await httpCall(deps.fetch, `${expired.pds}/xrpc/com.atproto.server.refreshSession`, { method: "POST", headers: { authorization: `Bearer ${expired.refreshJwt}` } }, deps.timeoutMs);
    const j = r.ok ? (r.json as { accessJwt?: string; refreshJwt?: string; did?: string; handle?: string } | null) : null;
    if (r.ok && r.response.status === 200 && j?.accessJwt) {
      const s = { ...expired, accessJwt: j.accessJwt, refreshJwt: j.refreshJwt ?? null, handle: j.handle ?? expired.handle };
      sessions.set(sessionKey(channel), s);
      return s;
    }
  }
  return await session(channel, deps, true);
}

async function session(channel: AdapterChannel, deps: AdapterDeps, fresh = false): Promise<Session | PublishOutcome> {
  const cached = sessions.get(sessionKey(channel));
  if (cached && !fresh) return cached;
  const pds = (channel.baseUrl ?? DEFAULT_PDS).replace(/\/+$/, "");
  const r = await httpCall(
    deps.fetch,
    `${pds}/xrpc/com.atproto.server.createSession`,
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ identifier: channel.credentials.identifier ?? channel.handle, password: channel.credentials.appPassword ?? "" }) },
    deps.timeoutMs,
  );
  if (!r.ok) return r.sent === false ? { kind: "retry", code: r.code, detail: r.detail } : { kind: "retry", code: r.code, detail: r.detail };
  const j = r.json as { accessJwt?: string; refreshJwt?: string; did?: string; handle?: string } | null;
  if (r.response.status === 200 && j?.accessJwt && j.did) {
    const s = { accessJwt: j.accessJwt, refreshJwt: j.refreshJwt ?? null, did: j.did, handle: j.handle ?? channel.handle, pds };
    sessions.set(sessionKey(channel), s);
    return s;
  }
  const detail = errorText(r.json, r.body, `HTTP ${r.response.status}`);
  if (r.response.status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: parseResetHeader(r.response.headers.get("ratelimit-reset"), "epoch", deps.now()) };
  if (r.response.status >= 500) return { kind: "retry", code: "network.server", detail };
  return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
}

interface BlueskyNotification {
  uri: string;
  cid: string;
  reason: string;
  indexedAt: string;
  author?: { did?: string; handle?: string };
  record?: { text?: string; createdAt?: string; reply?: { root?: { uri?: string; cid?: string }; parent?: { uri?: string; cid?: string } } };
}

/** A post as app.bsky.feed.searchPosts returns it (a postView). */
interface BlueskyPostView {
  uri: string;
  cid?: string;
  indexedAt?: string;
  author?: { did?: string; handle?: string };
  record?: BlueskyNotification["record"];
}

/** Bluesky refuses image blobs over 1,000,000 bytes: larger ones are re-encoded to fit (the original is kept). */
export const BLUESKY_MAX_IMAGE_BYTES = NETWORK_MEDIA_RULES.bluesky.maxImageBytes;
const BLOB_REUSE_MS = 3600_000;

/**
 * Uploads a post's images as blobs (com.atproto.repo.uploadBlob) and returns the record's
 * `app.bsky.embed.images`, each with its alt text and aspect ratio. Each blob is remembered on the
 * publication before the record is created and reused by a retry within the hour.
 */
async function imagesEmbed(input: PublishInput, deps: AdapterDeps, s: Session): Promise<{ ok: true; embed: unknown } | { ok: false; outcome: PublishOutcome }> {
  if ((input.visuals ?? []).length === 0) return { ok: true, embed: null };
  // The remembered "id" is the embed's image entry itself (blob, alt text, aspect ratio).
  const uploaded = await uploadImagesOnce(input, deps, { reuseMs: BLOB_REUSE_MS, rules: NETWORK_MEDIA_RULES.bluesky }, async (v, fitted) => {
    const r = await httpCall(
      deps.fetch,
      `${s.pds}/xrpc/com.atproto.repo.uploadBlob`,
      { method: "POST", headers: { authorization: `Bearer ${s.accessJwt}`, "content-type": fitted.contentType }, body: new Uint8Array(fitted.bytes) },
      deps.timeoutMs,
    );
    // A blob lost on the way is never referenced, and the PDS forgets it: safe to upload again.
    if (!r.ok) return { ok: false, outcome: { kind: "retry", code: r.code, detail: r.detail } };
    const detail = errorText(r.json, r.body, `HTTP ${r.response.status}`);
    if (r.response.status === 429) return { ok: false, outcome: { kind: "retry", code: "rate_limited", detail, notBefore: parseResetHeader(r.response.headers.get("ratelimit-reset"), "epoch", deps.now()) } };
    if (r.response.status >= 500) return { ok: false, outcome: { kind: "retry", code: "network.server", detail } };
    const blob = (r.json as { blob?: unknown } | null)?.blob;
    if (r.response.status !== 200 || !blob) return { ok: false, outcome: { kind: "failed", code: (r.json as { error?: string } | null)?.error === "ExpiredToken" ? "auth.invalid" : "validation", detail } };
    return { ok: true, id: JSON.stringify({ alt: v.alt, image: blob, aspectRatio: { width: fitted.width, height: fitted.height } }) };
  });
  if (!uploaded.ok) return uploaded;
  return { ok: true, embed: { $type: "app.bsky.embed.images", images: uploaded.ids.map((id) => JSON.parse(id) as unknown) } };
}

/** A post as a list gives it: a notification, or a search result. */
type Listed = { uri: string; cid?: string; indexedAt?: string; author?: { did?: string; handle?: string }; record?: BlueskyNotification["record"] };

/**
 * Reads a newest-first list back to the stored position ("indexedAt|uri"), renewing an expired
 * session once a round. Nothing is kept from an interrupted round: pages come newest first, so a
 * partial round would leave a gap. The first round (no position) reads one page.
 */
async function readBack(
  channel: AdapterChannel,
  position: string | null,
  deps: AdapterDeps,
  options: { maxPages: number },
  list: { url: (pds: string, cursor: string | undefined) => string; page: (json: unknown) => { items: Listed[]; cursor?: string }; keep: (item: Listed, s: Session) => boolean },
): Promise<CollectOutcome> {
  let s = await session(channel, deps);
  let renewedThisRound = false;
  if (!isSession(s)) return s.kind === "failed" ? s : { kind: "retry", code: "code" in s ? s.code : "network.server", detail: "detail" in s ? s.detail : "no session", ...(s.kind === "retry" ? { notBefore: s.notBefore } : {}) };
  const [sinceAt = "", sinceUri = ""] = position ? position.split("|") : [];
  const found: IncomingMessage[] = [];
  let newest: string | null = null;
  let cursor: string | undefined;
  for (let page = 0; page < options.maxPages; page++) {
    const r = await httpCall(deps.fetch, list.url(s.pds, cursor), { headers: { authorization: `Bearer ${s.accessJwt}` } }, deps.timeoutMs);
    if (!r.ok) return { kind: "retry", code: r.code, detail: r.detail };
    const status = r.response.status;
    const detail = errorText(r.json, r.body, `HTTP ${status}`);
    if (status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: parseResetHeader(r.response.headers.get("ratelimit-reset"), "epoch", deps.now()) };
    if (status >= 500) return { kind: "retry", code: "network.server", detail };
    if (status === 400 && (r.json as { error?: string } | null)?.error === "ExpiredToken") {
      // Renewed once a round; a second expiry in the same round waits for the next one.
      if (renewedThisRound) return { kind: "retry", code: "auth.invalid", detail };
      renewedThisRound = true;
      const again = await renewed(channel, deps, s);
      if (!isSession(again)) return { kind: "retry", code: "auth.invalid", detail };
      s = again;
      page--;
      continue;
    }
    if (status !== 200) {
      const error = (r.json as { error?: string } | null)?.error ?? "";
      if (status === 401 || ["InvalidToken", "AuthMissing", "ExpiredToken", "AccountTakedown"].includes(error)) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
      return { kind: "failed", code: status === 403 ? "permission" : "validation", detail };
    }
    const { items, cursor: next } = list.page(r.json);
    let reachedPosition = false;
    for (const n of items) {
      const at = n.indexedAt ?? "";
      if (position && (at < sinceAt || (at === sinceAt && n.uri === sinceUri))) {
        reachedPosition = true;
        continue;
      }
      newest ??= `${at}|${n.uri}`;
      if (!list.keep(n, s)) continue;
      found.push({
        remoteId: n.uri,
        remoteCid: n.cid ?? null,
        rootRemoteId: n.record?.reply?.root?.uri ?? n.uri,
        rootRemoteCid: n.record?.reply?.root?.cid ?? n.cid ?? null,
        inReplyToRemoteId: n.record?.reply?.parent?.uri ?? null,
        authorHandle: n.author?.handle ?? n.author?.did ?? "unknown",
        text: String(n.record?.text ?? ""),
        writtenAt: new Date(n.record?.createdAt ?? at),
        visibility: null,
      });
    }
    cursor = next;
    if (!position || reachedPosition || !cursor || items.length === 0) break;
  }
  found.reverse();
  return { kind: "ok", messages: found, position: newest ?? position };
}

function isSession(s: Session | PublishOutcome): s is Session {
  return "accessJwt" in s;
}


/**
 * Links, hashtags and mentions as rich-text facets, at their UTF-8 byte offsets, each occurrence its
 * own facet (app/domain/bluesky-facets.ts, following the rules of Bluesky's own detection: a link's
 * trailing punctuation and an unbalanced closing parenthesis are left out). A mention's handle is
 * resolved to its DID through the PDS (com.atproto.identity.resolveHandle); a handle that does not
 * resolve stays plain text.
 */
async function richTextFacets(text: string, s: Session, deps: AdapterDeps): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const facet of detectFacets(text)) {
    if (facet.kind === "link") out.push({ index: facet.index, features: [{ $type: "app.bsky.richtext.facet#link", uri: facet.value }] });
    else if (facet.kind === "tag") out.push({ index: facet.index, features: [{ $type: "app.bsky.richtext.facet#tag", tag: facet.value }] });
    else {
      const r = await httpCall(deps.fetch, `${s.pds}/xrpc/com.atproto.identity.resolveHandle?handle=${encodeURIComponent(facet.value)}`, { headers: { authorization: `Bearer ${s.accessJwt}` } }, deps.timeoutMs);
      const did = r.ok && r.response.status === 200 ? (r.json as { did?: string } | null)?.did : undefined;
      if (did?.startsWith("did:")) out.push({ index: facet.index, features: [{ $type: "app.bsky.richtext.facet#mention", did }] });
    }
  }
  return out;
}

/**
 * Bluesky (any PDS): com.atproto.repo.createRecord with a record key chosen and stored before the
 * call, so after a crash getRecord says whether the post exists. Links, hashtags and mentions get
 * their facets (richTextFacets), or they would not be clickable.
 */
export const blueskyAdapter: ChannelAdapter = {
  network: "bluesky",
  prepare(input) {
    return { remoteKey: input.remoteKey ?? newTid(new Date()) };
  },
  async stageMedia(input, deps) {
    if (input.replyTo || (input.visuals ?? []).length === 0) return { ok: true };
    const s = await session(input.channel, deps);
    if (!isSession(s)) return { ok: false, outcome: s };
    const images = await imagesEmbed(input, deps, s);
    return images.ok ? { ok: true } : images;
  },
  async publish(input, deps) {
    let s = await session(input.channel, deps);
    if (!isSession(s)) return s;
    const rkey = input.remoteKey ?? newTid(deps.now());
    const images = input.replyTo ? ({ ok: true, embed: null } as const) : await imagesEmbed(input, deps, s);
    if (!images.ok) return images.outcome;
    const text = composeBody("bluesky", input.text, input.link);
    const facets = await richTextFacets(text, s, deps);
    const reply = input.replyTo
      ? { reply: { root: { uri: input.replyTo.rootRemoteId ?? input.replyTo.remoteId, cid: input.replyTo.rootRemoteCid ?? input.replyTo.remoteCid ?? "" }, parent: { uri: input.replyTo.remoteId, cid: input.replyTo.remoteCid ?? "" } } }
      : {};
    const record = { $type: "app.bsky.feed.post", text, createdAt: deps.now().toISOString(), langs: input.languages, ...(facets.length ? { facets } : {}), ...reply, ...(images.embed ? { embed: images.embed } : {}) };
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await httpCall(
        deps.fetch,
        `${s.pds}/xrpc/com.atproto.repo.createRecord`,
        { method: "POST", headers: { authorization: `Bearer ${s.accessJwt}`, "content-type": "application/json" }, body: JSON.stringify({ repo: s.did, collection: "app.bsky.feed.post", rkey, record }) },
        deps.timeoutMs,
      );
      if (!r.ok) return withoutResponse(r);
      const status = r.response.status;
      const j = r.json as { uri?: string; error?: string } | null;
      const detail = errorText(r.json, r.body, `HTTP ${status}`);
      if (status === 200) return { kind: "published", remoteId: j?.uri ?? rkey, remoteUrl: `https://bsky.app/profile/${s.handle}/post/${rkey}` };
      if (status === 400 && j?.error === "ExpiredToken" && attempt === 0) {
        const again = await renewed(input.channel, deps, s);
        if (!isSession(again)) return again;
        s = again;
        continue;
      }
      if (status === 400 && /already a value|already exists/i.test(detail)) return { kind: "published", remoteId: rkey, remoteUrl: `https://bsky.app/profile/${s.handle}/post/${rkey}` };
      if (status === 401 || (status === 400 && (j?.error === "InvalidToken" || j?.error === "ExpiredToken"))) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
      if (status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: parseResetHeader(r.response.headers.get("ratelimit-reset"), "epoch", deps.now()) };
      // The record key makes a second create of the same post fail: a retry cannot duplicate it.
      if (status >= 500) return { kind: "retry", code: "network.server", detail };
      return { kind: "failed", code: "validation", detail };
    }
    return { kind: "failed", code: "auth.invalid", detail: "session refresh failed", reconnect: true };
  },
  carriesVisuals: true,
  async check(input, deps) {
    if (!input.remoteKey) return { kind: "absent" };
    const s = await session(input.channel, deps);
    if (!isSession(s)) return { kind: "unknown" };
    const q = new URLSearchParams({ repo: s.did, collection: "app.bsky.feed.post", rkey: input.remoteKey });
    const r = await httpCall(deps.fetch, `${s.pds}/xrpc/com.atproto.repo.getRecord?${q.toString()}`, { headers: { authorization: `Bearer ${s.accessJwt}` } }, deps.timeoutMs);
    if (!r.ok) return { kind: "unknown" };
    if (r.response.status === 200) return { kind: "published", remoteId: (r.json as { uri?: string } | null)?.uri ?? input.remoteKey, remoteUrl: `https://bsky.app/profile/${s.handle}/post/${input.remoteKey}` };
    if (r.response.status === 400 && /RecordNotFound|Could not locate record/i.test(r.body)) return { kind: "absent" };
    return { kind: "unknown" };
  },
  /**
   * Mentions, replies and quotes: app.bsky.notification.listNotifications, newest first, paged
   * towards older ones with its cursor, read back to the position (the newest notification read:
   * its indexedAt and URI). The first round reads one page.
   */
  collect(channel, position, deps, options) {
    return readBack(channel, position, deps, options, {
      url: (pds, cursor) => {
        const q = new URLSearchParams({ limit: String(options.pageSize) });
        for (const reason of ["mention", "reply", "quote"]) q.append("reasons", reason);
        if (cursor) q.set("cursor", cursor);
        return `${pds}/xrpc/app.bsky.notification.listNotifications?${q.toString()}`;
      },
      page: (json) => ({ items: (json as { notifications?: BlueskyNotification[] } | null)?.notifications ?? [], cursor: (json as { cursor?: string } | null)?.cursor }),
      keep: (n) => ["mention", "reply", "quote"].includes((n as BlueskyNotification).reason),
    });
  },
  /**
   * app.bsky.feed.searchPosts, sort=latest: newest first, paged towards older ones with its
   * cursor, read back to the position like the notifications. The account's own posts are left out.
   */
  search(channel, term, position, deps, options) {
    const [sinceAt = ""] = position ? position.split("|") : [];
    return readBack(channel, position, deps, options, {
      url: (pds, cursor) => {
        const q = new URLSearchParams({ q: term, sort: "latest", limit: String(Math.min(100, options.pageSize)) });
        if (sinceAt) q.set("since", sinceAt);
        if (cursor) q.set("cursor", cursor);
        return `${pds}/xrpc/app.bsky.feed.searchPosts?${q.toString()}`;
      },
      page: (json) => ({ items: (json as { posts?: BlueskyPostView[] } | null)?.posts ?? [], cursor: (json as { cursor?: string } | null)?.cursor }),
      keep: (p, s) => p.author?.did !== s.did,
    });
  },
  metricsBatch: 25,
  /**
   * app.bsky.feed.getPosts with up to 25 `uris`: likes, reposts, replies and quotes of each post
   * view (a deleted post is left out of the answer). Bluesky shows no impressions or views.
   */
  async readMetrics(channel, remoteIds, deps): Promise<MetricsOutcome> {
    let s = await session(channel, deps);
    if (!isSession(s)) return s.kind === "failed" ? s : { kind: "retry", code: "code" in s ? s.code : "network.server", detail: "detail" in s ? s.detail : "no session" };
    // A post published before its URI was known is remembered by its record key.
    const uriOf = (id: string, did: string) => (id.startsWith("at://") ? id : `at://${did}/app.bsky.feed.post/${id}`);
    for (let attempt = 0; attempt < 2; attempt++) {
      const q = new URLSearchParams();
      for (const id of remoteIds) q.append("uris", uriOf(id, s.did));
      const r = await httpCall(deps.fetch, `${s.pds}/xrpc/app.bsky.feed.getPosts?${q.toString()}`, { headers: { authorization: `Bearer ${s.accessJwt}` } }, deps.timeoutMs);
      if (!r.ok) return { kind: "retry", code: r.code, detail: r.detail };
      const status = r.response.status;
      const reset = parseResetHeader(r.response.headers.get("ratelimit-reset"), "epoch", deps.now());
      if (status === 200) {
        const byUri = new Map(((r.json as { posts?: { uri?: string; likeCount?: unknown; repostCount?: unknown; replyCount?: unknown; quoteCount?: unknown }[] } | null)?.posts ?? []).map((p) => [p.uri ?? "", p]));
        const metrics = new Map<string, PostMetrics | "gone">();
        for (const id of remoteIds) {
          const p = byUri.get(uriOf(id, (s).did));
          metrics.set(id, p ? { likes: countOf(p.likeCount), reposts: countOf(p.repostCount), replies: countOf(p.replyCount), quotes: countOf(p.quoteCount), impressions: null, views: null } : "gone");
        }
        return { kind: "ok", metrics, notBefore: r.response.headers.get("ratelimit-remaining") === "0" ? reset : undefined };
      }
      if (status === 400 && (r.json as { error?: string } | null)?.error === "ExpiredToken" && attempt === 0) {
        const again = await renewed(channel, deps, s);
        if (!isSession(again)) return { kind: "retry", code: "auth.invalid", detail: "the session could not be renewed" };
        s = again;
        continue;
      }
      const error = (r.json as { error?: string } | null)?.error ?? "";
      const detail = errorText(r.json, r.body, `HTTP ${status}`);
      if (["InvalidToken", "AuthMissing", "ExpiredToken", "AccountTakedown"].includes(error)) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
      return refusedMetricsRead(status, detail, reset);
    }
    return { kind: "retry", code: "auth.invalid", detail: "the session expired twice" };
  },
  async testConnection(channel, deps) {
    const s = await session(channel, deps, true);
    return isSession(s) ? { ok: true, account: s.handle } : { ok: false, code: "code" in s ? s.code : "auth.invalid", detail: "detail" in s ? s.detail : "" };
  },
};
