import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The local stand-ins for the networks, used by the tests and by the demo (`npm start` in demo
 * mode runs them on 127.0.0.1:4010 so that citizens can "write" to the demo's Mastodon and Bluesky
 * channels). Never part of a production deployment.
 *
 * One local HTTP server that behaves like the networks' publishing APIs, as documented in
 * shared/reference/channel-apis.md: Mastodon (Idempotency-Key, X-RateLimit-Reset as ISO), X
 * (x-rate-limit-reset epoch, 403 duplicate content, 402 credits), Bluesky (createSession,
 * createRecord with rkey, getRecord, RateLimit-Reset epoch), Facebook, LinkedIn and a Standard
 * Webhooks receiver. It counts every post it accepts, so tests can prove nothing arrived twice.
 *
 * A test scripts failures per network with `fail(network, ...answers)`: each answer is used once,
 * in order, before the normal behaviour resumes.
 */

export type FakeNetwork = "mastodon" | "x" | "bluesky" | "facebook" | "linkedin" | "youtube" | "webhook";

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Accept the post, then answer this (or hang): the client cannot know it went out. */
  acceptThen?: boolean;
  /** Wait this long before answering (longer than the client's timeout: a timeout). */
  delayMs?: number;
}

export interface ReceivedPost {
  network: FakeNetwork;
  text: string;
  /** The media attached to it: each file's size and type, and its alt text. */
  media?: { bytes: number; type: string; description: string }[];
  key: string | null;
  at: number;
  id: string;
  /** For an answer: the id (Mastodon) or URI (Bluesky) of the message it answers. */
  inReplyTo?: string;
  /** Bluesky: the record's rich-text facets as sent. */
  facets?: { index: { byteStart: number; byteEnd: number }; features: { $type: string; uri?: string; tag?: string; did?: string }[] }[];
  visibility?: string;
}

/** A citizen's message waiting on a fake network, as its notifications API will list it. */
export interface FakeMention {
  author: string;
  text: string;
  /** The post or message it answers: a Mastodon status id, a Bluesky post URI, a Facebook post or comment id, a LinkedIn post or comment URN. */
  inReplyTo?: string;
  visibility?: "public" | "unlisted" | "private" | "direct";
  /** Bluesky's reason (mention, reply, quote); Mastodon lists mentions only. */
  reason?: "mention" | "reply" | "quote" | "like";
  at?: Date;
}

export interface FakeNetworks {
  url: string;
  posts: ReceivedPost[];
  /** Every request, accepted or not, with its time (ms since epoch). */
  calls: { network: FakeNetwork; path: string; at: number; method: string }[];
  fail(network: FakeNetwork, ...answers: ScriptedAnswer[]): void;
  /** Scripted answers for the notification reads (GET), used once each, in order. */
  failReads(network: FakeNetwork, ...answers: ScriptedAnswer[]): void;
  /**
   * A citizen writes to the account: it appears in the network's notifications (Mastodon, Bluesky,
   * X) or under the page's post (Facebook, LinkedIn: `inReplyTo` is the post or comment it answers).
   * Returns its id (Mastodon, X, Facebook), URI (Bluesky) or comment URN (LinkedIn).
   */
  mention(network: "mastodon" | "bluesky" | "x" | "facebook" | "linkedin", mention: FakeMention): string;
  /** Someone posts publicly without addressing the account: only a search finds it. Returns its id (Mastodon) or URI (Bluesky). */
  publicPost(network: "mastodon" | "bluesky", post: { author: string; text: string; at?: Date }): string;
  /** Bluesky: the access token expires (the next call with it answers ExpiredToken); counts of session calls. */
  expireBlueskyAccess(): void;
  blueskySessions: { created: number; refreshed: number };
  /** Media uploads each network received (Mastodon: POST /api/v2/media). */
  mediaUploads: { network: FakeNetwork; id: string; bytes: number; type: string; description: string }[];
  /** Notification reads served, with their query strings. */
  reads: { network: FakeNetwork; query: string }[];
  /** Facebook: the next upload of a file's bytes is cut off half-way (the session keeps what arrived). */
  cutNextUpload(): void;
  /**
   * Sets a post's public figures as its network will report them (by the id the network gave:
   * Mastodon/X/YouTube id, Bluesky URI, Facebook "page_post" or video id, LinkedIn share URN).
   * Unset figures are 0 where the network counts them.
   */
  engage(network: FakeNetwork, remoteId: string, figures: Partial<Record<"likes" | "reposts" | "replies" | "quotes" | "impressions" | "views", number>>): void;
  /** The post is deleted on its network: metrics reads leave it out (or refuse it, as the network does). */
  deletePost(network: FakeNetwork, remoteId: string): void;
  /** Posts already on the account (published before the test, or by the bench): their network ids. */
  seedPosts(network: "mastodon" | "bluesky" | "x" | "facebook" | "linkedin" | "youtube", count: number): string[];
  /** Demo: a post Cadence published before the fakes started (its network id as Cadence stored it) now exists here. */
  adopt(network: "mastodon" | "bluesky", remoteId: string): void;
  /** Metrics reads served: each call's network and how many posts it asked for. */
  metricReads: { network: FakeNetwork; ids: number }[];
  /** Every post the networks accepted more than once (same key or same text on the same network). */
  duplicates(): ReceivedPost[];
  webhookSecret: string;
  close(): Promise<void>;
}

const WEBHOOK_SECRET = `whsec_${Buffer.from("cadence-test-webhook-secret-32by").toString("base64")}`;

export async function startFakeNetworks(options: { latencyMs?: number; port?: number; demoControl?: boolean; mastodonLimits?: { maxAttachments?: number; videoSizeLimit?: number; descriptionLimit?: number }; mastodonSyncImages?: boolean; mastodonWithoutMultiGet?: boolean } = {}): Promise<FakeNetworks> {
  const posts: ReceivedPost[] = [];
  const calls: FakeNetworks["calls"] = [];
  const scripts = new Map<FakeNetwork, ScriptedAnswer[]>();
  const mastodonKeys = new Map<string, ReceivedPost>();
  const blueskyRecords = new Map<string, ReceivedPost>();
  const webhookIds = new Map<string, ReceivedPost>();
  const xRefreshTokens = new Set<string>(["x-refresh-1"]);
  const xCodes = new Map<string, { challenge: string; redirect: string }>();
  const fbCodes = new Set<string>();
  const readScripts = new Map<FakeNetwork, ScriptedAnswer[]>();
  // Bluesky's session: access tokens expire and are renewed with the refresh token, which rotates.
  let bskyGeneration = 1;
  let bskyAccessExpired = false;
  const blueskySessions = { created: 0, refreshed: 0 };
  const reads: FakeNetworks["reads"] = [];
  // Mastodon: notifications and statuses have increasing numeric ids, kept oldest first.
  let mastodonSeq = 100_000;
  const mastodonNotifications: { id: string; type: string; created_at: string; account: { id: string; acct: string; username: string }; status: unknown }[] = [];
  // X: posts mentioning the account, kept oldest first, with increasing numeric ids.
  let xSeq = 1_800_000_000_000_000_000n;
  const xMentions: { id: string; text: string; author_id: string; username: string; created_at: string; referenced_tweets?: { type: string; id: string }[] }[] = [];
  // Bluesky: notifications kept oldest first by indexedAt.
  let blueskySeq = 0;
  const blueskyNotifications: { uri: string; cid: string; author: { did: string; handle: string }; reason: string; record: unknown; isRead: boolean; indexedAt: string; labels: never[] }[] = [];
  // Facebook: comments under the page's posts, oldest first; created_time has a one-second grain.
  let fbSeq = 0;
  const fbComments: { id: string; postId: string; parentId: string | null; message: string; from: { id: string; name: string }; created_time: string }[] = [];
  const fbTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "+0000");
  const fbPostExists = (id: string) => posts.some((p) => p.network === "facebook" && `123_${p.id}` === id) || fbComments.some((c) => c.postId === id);
  // LinkedIn: comments on the organisation's posts (and on comments), oldest first.
  let liSeq = 0;
  const liComments: { id: string; commentUrn: string; object: string; parentComment?: string; actor: string; text: string; time: number }[] = [];
  const liPostUrn = (p: ReceivedPost) => `urn:li:share:${p.id.replace(/\D/g, "").slice(0, 12) || "1"}`;
  // Public posts that only a search finds (Mastodon statuses, Bluesky post views), oldest first.
  // Mastodon media: uploaded, then processed asynchronously (the first GET still answers 206).
  const mediaUploads: FakeNetworks["mediaUploads"] = [];
  const mastodonMedia = new Map<string, { bytes: number; type: string; description: string; polls: number }>();
  // X media (uploaded, with the alt text set by /2/media/metadata), Facebook unpublished photos, LinkedIn images: by id.
  const xMedia = new Map<string, { bytes: number; type: string; alt: string }>();
  // X chunked uploads (videos): announced size and type, the chunks received by segment, the STATUS reads.
  const xChunked = new Map<string, { total: number; type: string; chunks: Map<number, number>; finalized: boolean; polls: number }>();
  const fbPhotos = new Map<string, { bytes: number; type: string; alt: string }>();
  const liImages = new Map<string, { bytes: number; type: string; uploaded: boolean }>();
  // Meta's Resumable Upload API: sessions by id, with the bytes received; handles name finished files.
  const fbUploads = new Map<string, { length: number; type: string; received: number; handle: string | null }>();
  const fbHandles = new Map<string, { bytes: number; type: string }>();
  const fbVideos: { id: string; description: string; title: string; created_time: string }[] = [];
  let fbCutNextUpload = false;
  // LinkedIn's Videos API: each video's parts (4 MiB byte ranges), the ETags given, its processing.
  const liVideos = new Map<string, { size: number; parts: { first: number; last: number; etag: string | null }[]; finalized: boolean; polls: number }>();
  let mediaSeq = 0;
  // YouTube upload sessions (resumable protocol): the announced size and type, the bytes received, the video once complete.
  const ytSessions = new Map<string, { total: number; type: string; title: string; description: string; language: string | null; received: Buffer[]; videoId: string | null }>();
  let ytSeq = 0;
  // Bluesky blobs: their size and type, by cid.
  let blobSeq = 0;
  const blueskyBlobs = new Map<string, { bytes: number; type: string }>();
  const mastodonPublic: { id: string; created_at: string; in_reply_to_id: null; visibility: string; content: string; account: { id: string; acct: string; username: string } }[] = [];
  const blueskyPublic: { uri: string; cid: string; author: { did: string; handle: string }; record: { $type: string; text: string; createdAt: string }; indexedAt: string }[] = [];
  // Public figures per post (by the id each network gives it), and the posts deleted since.
  const figures = new Map<string, Partial<Record<"likes" | "reposts" | "replies" | "quotes" | "impressions" | "views", number>>>();
  const deleted = new Set<string>();
  const metricReads: FakeNetworks["metricReads"] = [];
  const fig = (network: FakeNetwork, id: string) => figures.get(`${network}|${id}`) ?? {};
  const remoteIdOf = (p: ReceivedPost): string =>
    p.network === "bluesky" ? `at://did:plc:cadence/app.bsky.feed.post/${p.key}` : p.network === "facebook" ? (fbVideos.some((v) => v.id === p.id) ? p.id : `123_${p.id}`) : p.network === "linkedin" ? liPostUrn(p) : p.id;
  // Posts by network id, indexed as they arrive (a metrics read of 10,000 posts is no list scan).
  const byRemoteId = new Map<string, ReceivedPost>();
  let indexed = 0;
  const livePost = (network: FakeNetwork, id: string) => {
    for (; indexed < posts.length; indexed++) {
      const p = posts[indexed]!;
      if (!p.inReplyTo) byRemoteId.set(`${p.network}|${remoteIdOf(p)}`, p);
    }
    return deleted.has(`${network}|${id}`) ? undefined : byRemoteId.get(`${network}|${id}`);
  };
  const plain = (html: string) => html.replace(/<[^>]+>/g, " ").toLowerCase();
  const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

  const accept = (network: FakeNetwork, text: string, key: string | null): ReceivedPost => {
    const post = { network, text, key, at: Date.now(), id: randomUUID() };
    posts.push(post);
    return post;
  };

  // The demo control's way to the `mention` below (bound once the object exists).
  const mentionOf = (network: "mastodon" | "bluesky", m: FakeMention): string => api.mention(network, m);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const rawBytes = Buffer.concat(chunks);
        const raw = rawBytes.toString("utf8");
        // A multipart body (a media upload), read as the network reads it.
        const form = /multipart\/form-data/i.test(String(req.headers["content-type"] ?? "")) ? await new Request("http://fake", { method: "POST", headers: { "content-type": String(req.headers["content-type"]) }, body: rawBytes }).formData().catch(() => null) : null;
        const url = new URL(req.url ?? "/", "http://fake");
        const path = url.pathname;
        const network: FakeNetwork | null = path.startsWith("/mastodon/")
          ? "mastodon"
          : path.startsWith("/x/")
            ? "x"
            : path.startsWith("/bluesky/")
              ? "bluesky"
              : path.startsWith("/facebook/")
                ? "facebook"
                : path.startsWith("/linkedin/")
                  ? "linkedin"
                  : path.startsWith("/youtube/")
                    ? "youtube"
                    : path.startsWith("/webhook")
                    ? "webhook"
                    : null;
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          if (res.destroyed) return;
          res.writeHead(status, { "content-type": "application/json", ...headers });
          res.end(body === undefined ? "" : JSON.stringify(body));
        };
        if (options.demoControl && path === "/_demo/mentions" && req.method === "POST") {
          // The demo's control: a citizen writes to the demo account (JSON: network, author, text, inReplyTo).
          const body = (() => {
            try {
              return JSON.parse(raw) as { network?: string; author?: string; text?: string; inReplyTo?: string };
            } catch {
              return {};
            }
          })();
          if ((body.network !== "mastodon" && body.network !== "bluesky") || !body.author || !body.text) return send(400, { error: "send {network: mastodon|bluesky, author, text[, inReplyTo]}" });
          return send(201, { id: mentionOf(body.network, { author: body.author, text: body.text, inReplyTo: body.inReplyTo }) });
        }
        if (options.demoControl && path === "/_demo/answers" && req.method === "GET") {
          return send(200, posts.filter((p) => p.inReplyTo).map((p) => ({ network: p.network, inReplyTo: p.inReplyTo, text: p.text, at: new Date(p.at).toISOString() })));
        }
        if (!network) return send(404, { error: "Record not found" });
        calls.push({ network, path, at: Date.now(), method: req.method ?? "GET" });
        // YouTube: the post is the upload of the video's bytes (a PUT to the session).
        const isPost = network === "youtube" ? req.method === "PUT" && rawBytes.length > 0 : req.method === "POST" && !path.endsWith("createSession") && !path.endsWith("refreshSession") && !path.includes("getRecord") && !path.endsWith("/api/v2/media") && !path.endsWith("uploadBlob") && !path.includes("/2/media/") && !path.endsWith("/photos") && !path.includes("/rest/images") && !path.includes("/rest/videos") && !path.includes("/video-upload/") && !path.endsWith("/uploads") && !path.includes("/upload:");
        const isMetricsRead =
          req.method === "GET" &&
          ((network === "mastodon" && /\/api\/v1\/statuses(\/[^/]+)?$/.test(path)) ||
            path.endsWith("app.bsky.feed.getPosts") ||
            (network === "x" && path.endsWith("/2/tweets")) ||
            (network === "facebook" && /^\/facebook\/?$/.test(path) && url.searchParams.has("ids")) ||
            path.endsWith("/rest/organizationalEntityShareStatistics") ||
            (network === "youtube" && path.endsWith("/youtube/v3/videos")));
        const isRead = isMetricsRead || (req.method === "GET" && (path.endsWith("/api/v1/notifications") || path.endsWith("listNotifications") || path.endsWith("/mentions") || path.endsWith("/comments") || path.endsWith("/api/v2/search") || path.endsWith("searchPosts")));
        if (isRead) reads.push({ network, query: url.search });
        const scripted = isPost ? scripts.get(network)?.shift() : isRead ? readScripts.get(network)?.shift() : undefined;
        const json = (() => {
          try {
            return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
          } catch {
            return Object.fromEntries(new URLSearchParams(raw));
          }
        })();
        const field = (name: string): string => (typeof json[name] === "string" ? json[name] : "");

        // GET /api/v1/notifications: newest first; max_id (older than), since_id (newer than, the
        // newest page), min_id (immediately newer than); limit 40 by default, 80 at most; a Link
        // header for the next and previous pages; Mastodon's rate-limit headers.
        const mastodonNotificationPage = () => {
          const types = url.searchParams.getAll("types[]");
          const limit = Math.min(Number(url.searchParams.get("limit") ?? 40) || 40, 80);
          const n = (id: string | null) => (id ? BigInt(id) : null);
          const maxId = n(url.searchParams.get("max_id"));
          const sinceId = n(url.searchParams.get("since_id"));
          const minId = n(url.searchParams.get("min_id"));
          // Ids increase along the list: the first one after min_id is found by bisection.
          let from = 0;
          if (minId !== null) {
            let hi = mastodonNotifications.length;
            while (from < hi) {
              const mid = (from + hi) >> 1;
              if (BigInt(mastodonNotifications[mid]!.id) > minId) hi = mid;
              else from = mid + 1;
            }
          }
          const candidates = minId !== null ? mastodonNotifications.slice(from, from + limit * 4) : mastodonNotifications;
          let list = candidates.filter((x) => (types.length === 0 || types.includes(x.type)) && (maxId === null || BigInt(x.id) < maxId) && (sinceId === null || BigInt(x.id) > sinceId) && (minId === null || BigInt(x.id) > minId));
          list = minId !== null ? list.slice(0, limit) : list.slice(-limit);
          const page = [...list].reverse();
          const headers: Record<string, string> = { "x-ratelimit-limit": "300", "x-ratelimit-remaining": "299", "x-ratelimit-reset": new Date(Date.now() + 300_000).toISOString() };
          if (page.length > 0) {
            const self = `http://${req.headers.host ?? "fake"}${path}`;
            headers.link = `<${self}?max_id=${page[page.length - 1]!.id}>; rel="next", <${self}?min_id=${page[0]!.id}>; rel="prev"`;
          }
          return { status: 200, body: page, headers };
        };
        // GET /2/users/:id/mentions: newest first, since_id, max_results 5–100 (10 by default),
        // pagination_token towards older posts; the authors in includes.users; X's rate-limit headers.
        const xMentionPage = () => {
          const max = Number(url.searchParams.get("max_results") ?? 10);
          if (!Number.isInteger(max) || max < 5 || max > 100) return { status: 400, body: { title: "Invalid Request", detail: "max_results must be between 5 and 100", type: "about:blank", status: 400 } };
          const since = url.searchParams.get("since_id");
          const newestFirst = [...xMentions].reverse().filter((m) => since === null || BigInt(m.id) > BigInt(since));
          const start = Number(url.searchParams.get("pagination_token") ?? 0);
          const page = newestFirst.slice(start, start + max);
          const headers = { "x-rate-limit-limit": "180", "x-rate-limit-remaining": "179", "x-rate-limit-reset": String(Math.floor(Date.now() / 1000) + 900) };
          if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } }, headers };
          return {
            status: 200,
            headers,
            body: {
              data: page.map(({ username: _username, ...m }) => m),
              includes: { users: [...new Map(page.map((m) => [m.author_id, { id: m.author_id, username: m.username, name: m.username }])).values()] },
              meta: { result_count: page.length, newest_id: page[0]!.id, oldest_id: page[page.length - 1]!.id, ...(start + max < newestFirst.length ? { next_token: String(start + max) } : {}) },
            },
          };
        };
        // app.bsky.notification.listNotifications: newest first, `cursor` pages towards older ones;
        // limit 50 by default, 1–100; `reasons` filters.
        const blueskyNotificationPage = () => {
          const limit = Number(url.searchParams.get("limit") ?? 50);
          if (!Number.isInteger(limit) || limit < 1 || limit > 100) return { status: 400, body: { error: "InvalidRequest", message: "limit must be between 1 and 100" } };
          const reasons = url.searchParams.getAll("reasons");
          const newestFirst = [...blueskyNotifications].reverse().filter((x) => reasons.length === 0 || reasons.includes(x.reason));
          const start = Number(url.searchParams.get("cursor") ?? 0);
          const page = newestFirst.slice(start, start + limit);
          const next = start + limit < newestFirst.length ? String(start + limit) : undefined;
          return { status: 200, body: { notifications: page, ...(next ? { cursor: next } : {}), seenAt: new Date().toISOString() } };
        };

        const normal = (): { status: number; body: unknown; headers?: Record<string, string> } => {
          switch (network) {
            case "mastodon": {
              // The instance's description is public; everything else needs the token.
              if (req.method === "GET" && path.endsWith("/api/v2/instance"))
                return {
                  status: 200,
                  body: {
                    domain: "fake.social",
                    configuration: {
                      statuses: { max_characters: 500, max_media_attachments: options.mastodonLimits?.maxAttachments ?? 4 },
                      media_attachments: { image_size_limit: 16_777_216, image_matrix_limit: 33_177_600, video_size_limit: options.mastodonLimits?.videoSizeLimit ?? 103_809_024, description_limit: options.mastodonLimits?.descriptionLimit ?? 1500 },
                    },
                  },
                };
              if (req.headers.authorization !== "Bearer mastodon-token") return { status: 401, body: { error: "The access token is invalid" } };
              if (path.endsWith("/api/v1/accounts/verify_credentials")) return { status: 200, body: { id: "1", acct: "cadence" } };
              if (req.method === "GET" && path.endsWith("/api/v1/notifications")) return mastodonNotificationPage();
              if (req.method === "GET" && /\/api\/v1\/statuses(\/[^/]+)?$/.test(path)) {
                // GET /api/v1/statuses?id[]=… (4.3+): the statuses it can show, others left out; GET /api/v1/statuses/:id: one, or 404.
                const status = (id: string) => {
                  const f = fig("mastodon", id);
                  return { id, url: `https://fake.social/@cadence/${id}`, favourites_count: f.likes ?? 0, reblogs_count: f.reposts ?? 0, replies_count: f.replies ?? 0, quotes_count: f.quotes ?? 0 };
                };
                const one = /\/api\/v1\/statuses\/([^/]+)$/.exec(path);
                if (one) {
                  metricReads.push({ network: "mastodon", ids: 1 });
                  return livePost("mastodon", decodeURIComponent(one[1]!)) ? { status: 200, body: status(decodeURIComponent(one[1]!)) } : { status: 404, body: { error: "Record not found" } };
                }
                if (options.mastodonWithoutMultiGet) return { status: 404, body: { error: "Record not found" } };
                const ids = url.searchParams.getAll("id[]");
                if (ids.length > 20) return { status: 422, body: { error: "Too many ids requested" } };
                metricReads.push({ network: "mastodon", ids: ids.length });
                return { status: 200, body: ids.filter((id) => livePost("mastodon", id)).map(status), headers: { "x-ratelimit-limit": "300", "x-ratelimit-remaining": "299", "x-ratelimit-reset": new Date(Date.now() + 300_000).toISOString() } };
              }
              if (req.method === "POST" && path.endsWith("/api/v2/media")) {
                // The file and its description (alt text, 1,500 characters at most); 202 while it is processed.
                const file = form?.get("file");
                const described = form?.get("description");
                const description = typeof described === "string" ? described : "";
                if (!file || typeof file === "string") return { status: 422, body: { error: "Validation failed: File can't be blank" } };
                if (description.length > 1500) return { status: 422, body: { error: "Validation failed: Description is too long (maximum is 1500 characters)" } };
                const id = String(++mastodonSeq);
                mastodonMedia.set(id, { bytes: file.size, type: file.type, description, polls: 0 });
                mediaUploads.push({ network: "mastodon", id, bytes: file.size, type: file.type, description });
                // An instance processes small images at once (200) where it can; videos always later (202).
                if (options.mastodonSyncImages && file.type.startsWith("image/")) {
                  mastodonMedia.get(id)!.polls = 2;
                  return { status: 200, body: { id, type: "image", url: `https://fake.social/media/${id}.png`, preview_url: null, description } };
                }
                return { status: 202, body: { id, type: file.type.startsWith("video/") ? "video" : "image", url: null, preview_url: null, description } };
              }
              const mediaOf = /\/api\/v1\/media\/(\d+)$/.exec(path);
              if (req.method === "GET" && mediaOf) {
                const m = mastodonMedia.get(mediaOf[1]!);
                if (!m) return { status: 404, body: { error: "Record not found" } };
                m.polls++;
                return m.polls < 2 ? { status: 206, body: { id: mediaOf[1], url: null, description: m.description } } : { status: 200, body: { id: mediaOf[1], url: `https://fake.social/media/${mediaOf[1]}.png`, description: m.description } };
              }
              if (req.method === "GET" && path.endsWith("/api/v2/search")) {
                // Full-text search of statuses: newest first; min_id keeps newer ones; limit 20 by default, 40 at most; offset pages.
                const term = (url.searchParams.get("q") ?? "").toLowerCase();
                const limit = Math.min(Number(url.searchParams.get("limit") ?? 20) || 20, 40);
                const offset = Number(url.searchParams.get("offset") ?? 0) || 0;
                const minId = url.searchParams.get("min_id");
                const all = [...mastodonPublic, ...mastodonNotifications.map((n) => n.status as (typeof mastodonPublic)[number])];
                const hits = all.filter((st) => plain(st.content).includes(term) && (!minId || BigInt(st.id) > BigInt(minId))).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
                return { status: 200, body: { accounts: [], statuses: hits.slice(offset, offset + limit), hashtags: [] } };
              }
              const key = String(req.headers["idempotency-key"] ?? "");
              const seen = key ? mastodonKeys.get(key) : undefined;
              const mediaIds = Array.isArray(json.media_ids) ? (json.media_ids as unknown[]).map(String) : [];
              if (!seen && mediaIds.some((id) => !mastodonMedia.has(id))) return { status: 422, body: { error: "Validation failed: media_ids is invalid" } };
              const post = seen ?? accept("mastodon", field("status"), key || null);
              if (!seen && mediaIds.length > 0) post.media = mediaIds.map((id) => ({ bytes: mastodonMedia.get(id)!.bytes, type: mastodonMedia.get(id)!.type, description: mastodonMedia.get(id)!.description }));
              if (!seen && field("in_reply_to_id")) Object.assign(post, { inReplyTo: field("in_reply_to_id"), visibility: field("visibility") });
              if (key) mastodonKeys.set(key, post);
              return { status: 200, body: { id: post.id, url: `https://fake.social/@cadence/${post.id}`, uri: `https://fake.social/users/cadence/statuses/${post.id}` } };
            }
            case "x": {
              if (path.endsWith("/oauth2/authorize")) {
                // The consent page, consented at once: back to Cadence with a code for this PKCE challenge.
                const code = `code-${randomUUID().slice(0, 8)}`;
                xCodes.set(code, { challenge: url.searchParams.get("code_challenge") ?? "", redirect: url.searchParams.get("redirect_uri") ?? "" });
                const back = new URL(url.searchParams.get("redirect_uri") ?? "http://invalid/");
                back.searchParams.set("code", code);
                back.searchParams.set("state", url.searchParams.get("state") ?? "");
                return { status: 302, body: {}, headers: { location: back.toString() } };
              }
              if (path.endsWith("/2/oauth2/token") && field("grant_type") === "authorization_code") {
                const basic = `Basic ${Buffer.from("cadence-client:cadence-secret").toString("base64")}`;
                const grant = xCodes.get(field("code"));
                const challenge = createHash("sha256").update(field("code_verifier")).digest("base64url");
                xCodes.delete(field("code"));
                if (req.headers.authorization !== basic || !grant || grant.challenge !== challenge || grant.redirect !== field("redirect_uri"))
                  return { status: 400, body: { error: "invalid_request", error_description: "Value passed for the authorization code was invalid." } };
                const refresh = `x-refresh-${randomUUID().slice(0, 8)}`;
                xRefreshTokens.add(refresh);
                return { status: 200, body: { token_type: "bearer", expires_in: 7200, access_token: "x-token", scope: "tweet.read tweet.write users.read offline.access", refresh_token: refresh } };
              }
              if (path.endsWith("/2/oauth2/token")) {
                // Rotating refresh tokens: each one works once.
                const given = field("refresh_token");
                const basic = `Basic ${Buffer.from("cadence-client:cadence-secret").toString("base64")}`;
                if (req.headers.authorization !== basic || field("grant_type") !== "refresh_token" || !xRefreshTokens.delete(given))
                  return { status: 400, body: { error: "invalid_request", error_description: "Value passed for the token was invalid." } };
                const next = `x-refresh-${randomUUID().slice(0, 8)}`;
                xRefreshTokens.add(next);
                return { status: 200, body: { token_type: "bearer", expires_in: 7200, access_token: "x-token", scope: "tweet.read tweet.write users.read offline.access", refresh_token: next } };
              }
              if (req.headers.authorization !== "Bearer x-token") return { status: 401, body: { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" } };
              if (path.endsWith("/2/users/me")) return { status: 200, body: { data: { id: "1", name: "Cadence", username: "cadence" } } };
              if (req.method === "GET" && path.endsWith("/2/users/1/mentions")) return xMentionPage();
              if (req.method === "GET" && path.endsWith("/2/tweets")) {
                // GET /2/tweets?ids= (1–100) with tweet.fields=public_metrics; missing posts in `errors`.
                const ids = (url.searchParams.get("ids") ?? "").split(",").filter(Boolean);
                if (ids.length === 0 || ids.length > 100) return { status: 400, body: { title: "Invalid Request", detail: "The `ids` query parameter value must have between 1 and 100 items", type: "https://api.twitter.com/2/problems/invalid-request", status: 400 } };
                metricReads.push({ network: "x", ids: ids.length });
                const withMetrics = (url.searchParams.get("tweet.fields") ?? "").split(",").includes("public_metrics");
                const found = ids.filter((id) => livePost("x", id));
                const headers = { "x-rate-limit-limit": "15", "x-rate-limit-remaining": "14", "x-rate-limit-reset": String(Math.floor(Date.now() / 1000) + 900) };
                return {
                  status: 200,
                  headers,
                  body: {
                    ...(found.length > 0
                      ? {
                          data: found.map((id) => {
                            const f = fig("x", id);
                            const post = livePost("x", id)!;
                            return { id, text: post.text, edit_history_tweet_ids: [id], ...(withMetrics ? { public_metrics: { retweet_count: f.reposts ?? 0, reply_count: f.replies ?? 0, like_count: f.likes ?? 0, quote_count: f.quotes ?? 0, bookmark_count: 0, impression_count: f.impressions ?? 0 } } : {}) };
                          }),
                        }
                      : {}),
                    ...(found.length < ids.length
                      ? { errors: ids.filter((id) => !found.includes(id)).map((id) => ({ value: id, detail: `Could not find tweet with ids: [${id}].`, title: "Not Found Error", resource_type: "tweet", parameter: "ids", resource_id: id, type: "https://api.twitter.com/2/problems/resource-not-found" })) }
                      : {}),
                  },
                };
              }
              if (req.method === "GET" && path.endsWith("/2/users/1/tweets")) {
                // X shortens links to t.co in what it returns.
                const latest = posts.filter((p) => p.network === "x").slice(-20).reverse();
                return { status: 200, body: { data: latest.map((p) => ({ id: p.id, text: p.text.replace(/https?:\/\/\S+/g, "https://t.co/abc123") })) } };
              }
              if (req.method === "POST" && path.endsWith("/2/media/upload/initialize")) {
                // Chunked upload (videos): JSON media_type, total_bytes, media_category=tweet_video; 512 MB at most.
                const body = json as { media_type?: string; total_bytes?: number; media_category?: string };
                if (!body.media_type?.startsWith("video/") || body.media_category !== "tweet_video") return { status: 400, body: { title: "Invalid Request", detail: "media_type and media_category=tweet_video are required", type: "about:blank", status: 400 } };
                if (!Number.isInteger(body.total_bytes) || body.total_bytes! <= 0 || body.total_bytes! > 512 * 1024 * 1024) return { status: 400, body: { title: "Invalid Request", detail: "total_bytes is out of range", type: "about:blank", status: 400 } };
                const id = String(1_900_000_000_000 + ++mediaSeq);
                xChunked.set(id, { total: body.total_bytes!, type: body.media_type, chunks: new Map(), finalized: false, polls: 0 });
                return { status: 200, body: { data: { id, media_key: `7_${id}`, expires_after_secs: 86_400 } } };
              }
              const chunked = /\/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(path);
              if (req.method === "POST" && chunked) {
                const upload = xChunked.get(chunked[1]!);
                if (!upload) return { status: 400, body: { title: "Invalid Request", detail: "media_id not found", type: "about:blank", status: 400 } };
                if (chunked[2] === "append") {
                  const media = form?.get("media");
                  const index = Number(form?.get("segment_index"));
                  if (!media || typeof media === "string" || !Number.isInteger(index) || index < 0 || index > 999) return { status: 400, body: { title: "Invalid Request", detail: "media and segment_index are required", type: "about:blank", status: 400 } };
                  if (media.size > 5 * 1024 * 1024) return { status: 400, body: { title: "Invalid Request", detail: "A chunk must be at most 5 MB", type: "about:blank", status: 400 } };
                  upload.chunks.set(index, media.size);
                  return { status: 200, body: { data: { expires_at: Math.floor(Date.now() / 1000) + 86_400 } } };
                }
                const received = [...upload.chunks.values()].reduce((a, b) => a + b, 0);
                if (received !== upload.total) return { status: 400, body: { title: "Invalid Request", detail: `File size mismatch: ${received} of ${upload.total} bytes`, type: "about:blank", status: 400 } };
                upload.finalized = true;
                return { status: 200, body: { data: { id: chunked[1], media_key: `7_${chunked[1]}`, size: upload.total, expires_after_secs: 86_400, processing_info: { state: "pending", check_after_secs: 1 } } } };
              }
              if (req.method === "GET" && path.endsWith("/2/media/upload") && url.searchParams.get("command") === "STATUS") {
                const id = url.searchParams.get("media_id") ?? "";
                const upload = xChunked.get(id);
                if (!upload?.finalized) return { status: 400, body: { title: "Invalid Request", detail: "media_id not found", type: "about:blank", status: 400 } };
                upload.polls++;
                if (upload.polls < 2) return { status: 200, body: { data: { id, processing_info: { state: "in_progress", check_after_secs: 1, progress_percent: 50 } } } };
                if (!xMedia.has(id)) {
                  xMedia.set(id, { bytes: upload.total, type: upload.type, alt: "" });
                  mediaUploads.push({ network: "x", id, bytes: upload.total, type: upload.type, description: "" });
                }
                return { status: 200, body: { data: { id, processing_info: { state: "succeeded", progress_percent: 100 } } } };
              }
              if (req.method === "POST" && path.endsWith("/2/media/upload")) {
                // Simple upload (images): multipart media, media_category, media_type; 5 MB for an image.
                const file = form?.get("media");
                const category = form?.get("media_category");
                if (!file || typeof file === "string") return { status: 400, body: { title: "Invalid Request", detail: "media is required", type: "about:blank", status: 400 } };
                if (category !== "tweet_image") return { status: 400, body: { title: "Invalid Request", detail: "media_category must be tweet_image for a simple upload", type: "about:blank", status: 400 } };
                if (file.size > 5 * 1024 * 1024) return { status: 400, body: { title: "Invalid Request", detail: "File size exceeds 5242880 bytes.", type: "about:blank", status: 400 } };
                if (!["image/jpeg", "image/png", "image/webp", "image/gif"].includes(file.type)) return { status: 400, body: { title: "Invalid Request", detail: "Unsupported media type", type: "about:blank", status: 400 } };
                const id = String(1_900_000_000_000 + ++mediaSeq);
                xMedia.set(id, { bytes: file.size, type: file.type, alt: "" });
                mediaUploads.push({ network: "x", id, bytes: file.size, type: file.type, description: "" });
                return { status: 200, body: { data: { id, media_key: `3_${id}`, expires_after_secs: 86_400, size: file.size } } };
              }
              if (req.method === "POST" && path.endsWith("/2/media/metadata")) {
                const body = json as { id?: string; metadata?: { alt_text?: { text?: string } } };
                const m = xMedia.get(body.id ?? "");
                if (!m) return { status: 400, body: { title: "Invalid Request", detail: "media not found", type: "about:blank", status: 400 } };
                const alt = body.metadata?.alt_text?.text ?? "";
                if (alt.length > 1000) return { status: 400, body: { title: "Invalid Request", detail: "alt_text must be at most 1000 characters", type: "about:blank", status: 400 } };
                m.alt = alt;
                const upload = mediaUploads.find((u) => u.network === "x" && u.id === body.id);
                if (upload) upload.description = alt;
                return { status: 200, body: { data: { associated_metadata: { alt_text: { text: alt } } } } };
              }
              const text = field("text");
              const mediaIds = ((json.media as { media_ids?: string[] } | undefined)?.media_ids ?? []).map(String);
              if (mediaIds.length > 4 || mediaIds.some((m) => !xMedia.has(m))) return { status: 400, body: { detail: "Your media IDs are invalid.", title: "Invalid Request", type: "about:blank", status: 400 } };
              const replyTo = (json.reply as { in_reply_to_tweet_id?: string } | undefined)?.in_reply_to_tweet_id;
              if (replyTo && !xMentions.some((m) => m.id === replyTo)) return { status: 400, body: { detail: "Invalid 'in_reply_to_tweet_id'", title: "Invalid Request", type: "about:blank", status: 400 } };
              if (posts.some((p) => p.network === "x" && p.text === text))
                return { status: 403, body: { detail: "You are not allowed to create a Tweet with duplicate content.", type: "about:blank", title: "Forbidden", status: 403 } };
              const post = accept("x", text, null);
              if (replyTo) post.inReplyTo = replyTo;
              if (mediaIds.length > 0) post.media = mediaIds.map((m) => ({ bytes: xMedia.get(m)!.bytes, type: xMedia.get(m)!.type, description: xMedia.get(m)!.alt }));
              return { status: 201, body: { data: { id: post.id, text } }, headers: { "x-rate-limit-remaining": "99", "x-rate-limit-reset": String(Math.floor(Date.now() / 1000) + 900) } };
            }
            case "bluesky": {
              if (path.endsWith("createSession")) {
                blueskySessions.created++;
                bskyAccessExpired = false;
                return { status: 200, body: { accessJwt: `bsky-access-${bskyGeneration}`, refreshJwt: `bsky-refresh-${bskyGeneration}`, handle: "cadence.test", did: "did:plc:cadence" } };
              }
              if (path.endsWith("refreshSession")) {
                if (req.headers.authorization !== `Bearer bsky-refresh-${bskyGeneration}`) return { status: 400, body: { error: "ExpiredToken", message: "Token has expired" } };
                blueskySessions.refreshed++;
                bskyGeneration++;
                bskyAccessExpired = false;
                return { status: 200, body: { accessJwt: `bsky-access-${bskyGeneration}`, refreshJwt: `bsky-refresh-${bskyGeneration}`, handle: "cadence.test", did: "did:plc:cadence" } };
              }
              const token = /^Bearer bsky-access-(\d+)$/.exec(String(req.headers.authorization ?? ""));
              if (token && (Number(token[1]) < bskyGeneration || bskyAccessExpired)) return { status: 400, body: { error: "ExpiredToken", message: "Token has expired" } };
              if (!token || Number(token[1]) !== bskyGeneration) return { status: 400, body: { error: "InvalidToken", message: "Token could not be verified" } };
              if (path.includes("getRecord")) {
                const rkey = url.searchParams.get("rkey") ?? "";
                return blueskyRecords.has(rkey)
                  ? { status: 200, body: { uri: `at://did:plc:cadence/app.bsky.feed.post/${rkey}`, cid: "bafy", value: {} } }
                  : { status: 400, body: { error: "RecordNotFound", message: "Could not locate record" } };
              }
              if (req.method === "GET" && path.endsWith("app.bsky.notification.listNotifications")) return blueskyNotificationPage();
              if (req.method === "GET" && path.endsWith("com.atproto.identity.resolveHandle")) {
                // Known handles: the account's own, and the citizens of the fake (did:plc:<letters>); others do not exist.
                const handle = (url.searchParams.get("handle") ?? "").toLowerCase();
                if (!/^[a-z0-9.-]+\.[a-z]+$/.test(handle) || handle.startsWith("unknown")) return { status: 400, body: { error: "InvalidRequest", message: "Unable to resolve handle" } };
                return { status: 200, body: { did: handle === "cadence.test" ? "did:plc:cadence" : `did:plc:${handle.replace(/[^a-z0-9]/g, "")}` } };
              }
              if (req.method === "GET" && path.endsWith("app.bsky.feed.getPosts")) {
                // Up to 25 `uris`; post views in any order, posts that no longer exist left out.
                const uris = url.searchParams.getAll("uris");
                if (uris.length === 0 || uris.length > 25) return { status: 400, body: { error: "InvalidRequest", message: "uris must contain between 1 and 25 items" } };
                metricReads.push({ network: "bluesky", ids: uris.length });
                const views = uris
                  .filter((uri) => livePost("bluesky", uri))
                  .reverse()
                  .map((uri) => {
                    const f = fig("bluesky", uri);
                    return { uri, cid: "bafy", author: { did: "did:plc:cadence", handle: "cadence.test" }, record: { $type: "app.bsky.feed.post", text: livePost("bluesky", uri)!.text }, likeCount: f.likes ?? 0, repostCount: f.reposts ?? 0, replyCount: f.replies ?? 0, quoteCount: f.quotes ?? 0, indexedAt: new Date().toISOString(), labels: [] };
                  });
                return { status: 200, body: { posts: views }, headers: { "ratelimit-limit": "3000", "ratelimit-remaining": "2999", "ratelimit-reset": String(Math.floor(Date.now() / 1000) + 300) } };
              }
              if (req.method === "POST" && path.endsWith("com.atproto.repo.uploadBlob")) {
                // The raw bytes with their type; images over 1,000,000 bytes are refused.
                const type = String(req.headers["content-type"] ?? "");
                if (rawBytes.length > 1_000_000) return { status: 400, body: { error: "BlobTooLarge", message: "This file is too large. It is 1.2MB but the maximum size is 976.56KB." } };
                const cid = `bafkreiblob${++blobSeq}`;
                blueskyBlobs.set(cid, { bytes: rawBytes.length, type });
                mediaUploads.push({ network: "bluesky", id: cid, bytes: rawBytes.length, type, description: "" });
                return { status: 200, body: { blob: { $type: "blob", ref: { $link: cid }, mimeType: type, size: rawBytes.length } } };
              }
              if (req.method === "GET" && path.endsWith("app.bsky.feed.searchPosts")) {
                // sort=latest: newest first; since (inclusive) on the post's time; limit 25 by default, 1–100; a cursor while more remain.
                const limit = Number(url.searchParams.get("limit") ?? 25);
                if (!Number.isInteger(limit) || limit < 1 || limit > 100) return { status: 400, body: { error: "InvalidRequest", message: "limit must be between 1 and 100" } };
                const term = (url.searchParams.get("q") ?? "").toLowerCase();
                const since = url.searchParams.get("since");
                const all = [
                  ...blueskyPublic,
                  ...blueskyNotifications.filter((n) => n.reason !== "like").map((n) => ({ uri: n.uri, cid: n.cid, author: n.author, record: n.record as (typeof blueskyPublic)[number]["record"], indexedAt: n.indexedAt })),
                ];
                const hits = all.filter((p) => p.record.text.toLowerCase().includes(term) && (!since || p.indexedAt >= since)).sort((a, b) => (a.indexedAt < b.indexedAt ? 1 : -1));
                const start = Number(url.searchParams.get("cursor") ?? 0);
                const page = hits.slice(start, start + limit);
                return { status: 200, body: { posts: page, hitsTotal: hits.length, ...(start + limit < hits.length ? { cursor: String(start + limit) } : {}) } };
              }
              const rkey = field("rkey") || randomUUID();
              if (blueskyRecords.has(rkey)) return { status: 400, body: { error: "InvalidRequest", message: "There is already a value at key" } };
              const record = (json.record ?? {}) as {
                text?: string;
                facets?: ReceivedPost["facets"];
                reply?: { parent?: { uri?: string; cid?: string }; root?: { uri?: string; cid?: string } };
                embed?: { $type?: string; images?: { alt?: string; image?: { ref?: { $link?: string } } }[] };
              };
              const embedded = record.embed?.images ?? [];
              if (embedded.length > 4 || embedded.some((i) => !blueskyBlobs.has(i.image?.ref?.$link ?? "") || typeof i.alt !== "string"))
                return { status: 400, body: { error: "InvalidRequest", message: "Invalid app.bsky.feed.post record: embed images need an uploaded blob and an alt" } };
              if (record.reply && (!record.reply.parent?.cid || !record.reply.root?.cid)) return { status: 400, body: { error: "InvalidRequest", message: "Invalid app.bsky.feed.post record: reply refs need uri and cid" } };
              // Facets must point at whole UTF-8 byte ranges of the text, as the AppView indexes them.
              const bytes = Buffer.from(String(record.text ?? ""), "utf8");
              if ((record.facets ?? []).some((f) => f.index.byteStart < 0 || f.index.byteEnd > bytes.length || f.index.byteStart >= f.index.byteEnd))
                return { status: 400, body: { error: "InvalidRequest", message: "Invalid app.bsky.feed.post record: facet index out of range" } };
              const created = accept("bluesky", String(record.text ?? ""), rkey);
              if (record.facets) created.facets = record.facets;
              if (embedded.length > 0) created.media = embedded.map((i) => ({ bytes: blueskyBlobs.get(i.image!.ref!.$link!)!.bytes, type: blueskyBlobs.get(i.image!.ref!.$link!)!.type, description: i.alt! }));
              if (record.reply?.parent?.uri) created.inReplyTo = record.reply.parent.uri;
              blueskyRecords.set(rkey, created);
              return { status: 200, body: { uri: `at://did:plc:cadence/app.bsky.feed.post/${rkey}`, cid: "bafy", commit: { cid: "bafy", rev: "1" }, validationStatus: "valid" } };
            }
            case "facebook": {
              const q = (name: string) => url.searchParams.get(name) ?? "";
              if (path.endsWith("/dialog/oauth")) {
                const code = `fb-code-${randomUUID().slice(0, 8)}`;
                fbCodes.add(code);
                const back = new URL(q("redirect_uri") || "http://invalid/");
                back.searchParams.set("code", code);
                back.searchParams.set("state", q("state"));
                return { status: 302, body: {}, headers: { location: back.toString() } };
              }
              if (path.endsWith("/oauth/access_token")) {
                if (q("client_id") !== "cadence-app" || q("client_secret") !== "cadence-app-secret") return { status: 400, body: { error: { message: "Error validating client secret.", type: "OAuthException", code: 1 } } };
                if (q("grant_type") === "fb_exchange_token") return { status: 200, body: { access_token: "fb-user-long", token_type: "bearer", expires_in: 5_184_000 } };
                if (!fbCodes.delete(q("code"))) return { status: 400, body: { error: { message: "This authorization code has been used.", type: "OAuthException", code: 100 } } };
                return { status: 200, body: { access_token: "fb-user-short", token_type: "bearer", expires_in: 3600 } };
              }
              if (path.endsWith("/me/accounts")) {
                if (q("access_token") !== "fb-user-long") return { status: 400, body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } } };
                return { status: 200, body: { data: [{ id: "123", name: "Cadence FR", access_token: "fb-token" }, { id: "456", name: "Autre page", access_token: "other" }] } };
              }
              if (req.method === "GET" && /^\/facebook\/?$/.test(path) && url.searchParams.has("ids")) {
                // GET /?ids=a,b&fields=… (50 ids at most): an object per id; one missing id fails the whole call (code 803).
                if (q("access_token") !== "fb-token") return { status: 400, body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } } };
                const ids = q("ids").split(",").filter(Boolean);
                if (ids.length > 50) return { status: 400, body: { error: { message: "(#100) Too many IDs. Maximum: 50. Provided: " + ids.length + ".", type: "OAuthException", code: 100 } } };
                metricReads.push({ network: "facebook", ids: ids.length });
                const missing = ids.filter((id) => !livePost("facebook", id));
                if (missing.length > 0) return { status: 404, body: { error: { message: `(#803) Some of the aliases you requested do not exist: ${missing.join(",")}`, type: "OAuthException", code: 803 } } };
                const fields = q("fields");
                if (/post_impressions(?!_unique)|post_engaged_users/.test(fields)) return { status: 400, body: { error: { message: "(#100) The value must be a valid insights metric", type: "OAuthException", code: 100 } } };
                const isVideo = (id: string) => !id.includes("_");
                if (ids.some(isVideo) && /(^|,)shares(,|$)/.test(fields)) return { status: 400, body: { error: { message: "(#100) Tried accessing nonexisting field (shares) on node type (Video)", type: "OAuthException", code: 100 } } };
                return {
                  status: 200,
                  body: Object.fromEntries(
                    ids.map((id) => {
                      const f = fig("facebook", id);
                      return [
                        id,
                        {
                          id,
                          reactions: { data: [], summary: { total_count: f.likes ?? 0, viewer_reaction: "NONE" } },
                          comments: { data: [], summary: { order: "ranked", total_count: f.replies ?? 0, can_comment: true } },
                          // Meta leaves `shares` out when nobody shared.
                          ...(f.reposts ? { shares: { count: f.reposts } } : {}),
                          ...(fields.includes("insights") && !isVideo(id) ? { insights: { data: [{ name: "post_total_media_view_unique", period: "lifetime", values: [{ value: f.views ?? 0 }], id: `${id}/insights/post_total_media_view_unique/lifetime` }] } } : {}),
                        },
                      ];
                    }),
                  ),
                };
              }
              if (req.method === "GET" && path.endsWith("/published_posts")) {
                if (q("access_token") !== "fb-token") return { status: 400, body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } } };
                const latest = posts.filter((p) => p.network === "facebook").slice(-25).reverse();
                return { status: 200, body: { data: latest.map((p) => ({ id: `123_${p.id}`, message: p.text })) } };
              }
              const commentsOf = /^\/facebook\/([^/]+)\/comments$/.exec(path);
              if (req.method === "GET" && commentsOf) {
                // GET /{object-id}/comments: a post's top-level comments, or with filter=stream all
                // of them (replies carry their parent); chronological unless order=reverse_chronological;
                // limit 25 by default; cursor paging with `after` and a `next` URL while more remain.
                if (q("access_token") !== "fb-token") return { status: 400, body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } } };
                const id = decodeURIComponent(commentsOf[1]!);
                const isComment = fbComments.some((c) => c.id === id);
                if (!isComment && !fbPostExists(id))
                  return { status: 400, body: { error: { message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, type: "GraphMethodException", code: 100, error_subcode: 33 } } };
                let list = isComment ? fbComments.filter((c) => c.parentId === id) : fbComments.filter((c) => c.postId === id && (q("filter") === "stream" || c.parentId === null));
                if (q("order") === "reverse_chronological") list = [...list].reverse();
                const limit = Math.min(Number(q("limit") || 25) || 25, 100);
                const start = q("after") ? Number(Buffer.from(q("after"), "base64").toString("utf8")) : 0;
                const page = list.slice(start, start + limit);
                const fields = q("fields");
                const cursor = (n: number) => Buffer.from(String(n)).toString("base64");
                const nextUrl = new URL(`http://${req.headers.host ?? "fake"}${path}${url.search}`);
                nextUrl.searchParams.set("after", cursor(start + limit));
                return {
                  status: 200,
                  body: {
                    data: page.map((c) => ({ id: c.id, message: c.message, created_time: c.created_time, ...(fields.includes("from") ? { from: c.from } : {}), ...(fields.includes("parent") && c.parentId ? { parent: { id: c.parentId } } : {}) })),
                    paging: { cursors: { before: cursor(start), after: cursor(start + page.length) }, ...(start + limit < list.length ? { next: nextUrl.toString() } : {}) },
                  },
                };
              }
              if (req.method === "POST" && commentsOf) {
                // POST /{comment-id}/comments: the page answers in the comment's thread (one level:
                // an answer to a reply joins the top comment's thread). Meta keeps no idempotency key.
                if (json.access_token !== "fb-token") return { status: 400, body: { error: { message: "Error validating access token", type: "OAuthException", code: 190, error_subcode: 463 } } };
                const target = fbComments.find((c) => c.id === decodeURIComponent(commentsOf[1]!));
                if (!target) return { status: 400, body: { error: { message: "Unsupported post request. Object does not exist.", type: "GraphMethodException", code: 100, error_subcode: 33 } } };
                const text = field("message");
                const answer = accept("facebook", text, `reply:${target.id}:${text}`);
                answer.inReplyTo = target.id;
                const id = `${target.postId.split("_").pop()}_${++fbSeq}`;
                fbComments.push({ id, postId: target.postId, parentId: target.parentId ?? target.id, message: text, from: { id: "123", name: "Cadence FR" }, created_time: fbTime(new Date()) });
                return { status: 200, body: { id } };
              }
              if (req.method === "GET" && /\/facebook\/[^/]+$/.test(path) && !path.includes("/upload:")) {
                return q("access_token") === "fb-token" ? { status: 200, body: { id: path.split("/").pop(), name: "Cadence FR" } } : { status: 400, body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } } };
              }
              if (req.method === "POST" && path.endsWith("/photos") && form) {
                // A page photo: multipart source; published=false keeps it for a post's attached_media; alt_text_custom its alt text.
                if (form.get("access_token") !== "fb-token") return { status: 400, body: { error: { message: "Error validating access token", type: "OAuthException", code: 190, error_subcode: 463 } } };
                const file = form.get("source");
                if (!file || typeof file === "string") return { status: 400, body: { error: { message: "(#324) Requires upload file", type: "OAuthException", code: 324 } } };
                if (file.size > 4 * 1024 * 1024 || !["image/jpeg", "image/png", "image/gif"].includes(file.type)) return { status: 400, body: { error: { message: "(#1) An unknown error occurred: unsupported or too large photo", type: "OAuthException", code: 1 } } };
                const id = String(5_000_000 + ++mediaSeq);
                const given = form.get("alt_text_custom");
                const alt = typeof given === "string" ? given : "";
                fbPhotos.set(id, { bytes: file.size, type: file.type, alt });
                mediaUploads.push({ network: "facebook", id, bytes: file.size, type: file.type, description: alt });
                return { status: 200, body: { id } };
              }
              // The Resumable Upload API: POST /{app-id}/uploads opens a session (mp4 only among
              // videos); POST /upload:{id} with `file_offset` appends the body and answers the file
              // handle once complete; GET /upload:{id} gives the offset to resume from.
              if (req.method === "POST" && path.endsWith("/uploads")) {
                if (q("access_token") !== "fb-token") return { status: 400, body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } } };
                if (!path.endsWith("/cadence-app/uploads")) return { status: 400, body: { error: { message: "(#100) The app id does not match the token's app", type: "OAuthException", code: 100 } } };
                const length = Number(q("file_length"));
                if (!Number.isInteger(length) || length <= 0) return { status: 400, body: { error: { message: "(#100) file_length must be a positive integer", type: "OAuthException", code: 100 } } };
                if (!["application/pdf", "image/jpeg", "image/jpg", "image/png", "video/mp4"].includes(q("file_type"))) return { status: 400, body: { error: { message: "(#100) Invalid file_type", type: "OAuthException", code: 100 } } };
                const id = `upload:MTphdHRhY2htZW50${++mediaSeq}`;
                fbUploads.set(id, { length, type: q("file_type"), received: 0, handle: null });
                return { status: 200, body: { id } };
              }
              const uploadSession = /^\/facebook\/(upload:[^/]+)$/.exec(path);
              if (uploadSession) {
                if (req.headers.authorization !== "OAuth fb-token") return { status: 400, body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } } };
                const session = fbUploads.get(decodeURIComponent(uploadSession[1]!));
                if (!session) return { status: 400, body: { error: { message: "(#100) Invalid upload session", type: "OAuthException", code: 100 } } };
                if (req.method === "GET") return { status: 200, body: { id: uploadSession[1], file_offset: session.received } };
                if (Number(req.headers.file_offset) !== session.received) return { status: 400, body: { error: { message: `(#100) file_offset must be ${session.received}`, type: "OAuthException", code: 100 } } };
                if (session.received + rawBytes.length > session.length) return { status: 400, body: { error: { message: "(#100) more bytes than file_length", type: "OAuthException", code: 100 } } };
                session.received += rawBytes.length;
                if (session.received < session.length) return { status: 200, body: { id: uploadSession[1], file_offset: session.received } };
                session.handle ??= `4:dmlkZW8${++mediaSeq}`;
                fbHandles.set(session.handle, { bytes: session.length, type: session.type });
                return { status: 200, body: { h: session.handle } };
              }
              if (req.method === "GET" && path.endsWith("/videos")) {
                if (q("access_token") !== "fb-token") return { status: 400, body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } } };
                return { status: 200, body: { data: fbVideos.slice(-Math.min(Number(q("limit") || 25) || 25, 100)).reverse() } };
              }
              if (req.method === "POST" && path.endsWith("/videos")) {
                // A page video from an uploaded file's handle; the description is the post's text. No idempotency.
                if (json.access_token !== "fb-token") return { status: 400, body: { error: { message: "Error validating access token", type: "OAuthException", code: 190, error_subcode: 463 } } };
                const file = fbHandles.get(field("fbuploader_video_file_chunk"));
                if (!file) return { status: 400, body: { error: { message: "(#100) Invalid file handle", type: "OAuthException", code: 100 } } };
                const id = String(9_000_000 + ++mediaSeq);
                const post = accept("facebook", field("description"), null);
                post.id = id;
                post.media = [{ bytes: file.bytes, type: file.type, description: field("title") }];
                mediaUploads.push({ network: "facebook", id, bytes: file.bytes, type: file.type, description: field("title") });
                fbVideos.push({ id, description: field("description"), title: field("title"), created_time: fbTime(new Date()) });
                return { status: 200, body: { id } };
              }
              if (json.access_token !== "fb-token") return { status: 400, body: { error: { message: "Error validating access token", type: "OAuthException", code: 190, error_subcode: 463 } } };
              const attached = Object.keys(json)
                .filter((k) => /^attached_media\[\d+\]$/.test(k))
                .map((k) => (JSON.parse(String(json[k])) as { media_fbid?: string }).media_fbid ?? "");
              if (attached.some((m) => !fbPhotos.has(m))) return { status: 400, body: { error: { message: "(#100) Invalid media_fbid", type: "OAuthException", code: 100 } } };
              if (attached.length > 0 && json.link) return { status: 400, body: { error: { message: "(#100) Cannot combine link and attached_media", type: "OAuthException", code: 100 } } };
              const text = field("message");
              if (posts.some((p) => p.network === "facebook" && p.text === text)) return { status: 400, body: { error: { message: "Duplicate status message", type: "OAuthException", code: 506 } } };
              const post = accept("facebook", text, null);
              if (attached.length > 0) post.media = attached.map((m) => ({ bytes: fbPhotos.get(m)!.bytes, type: fbPhotos.get(m)!.type, description: fbPhotos.get(m)!.alt }));
              return { status: 200, body: { id: `123_${post.id}` } };
            }
            case "linkedin": {
              if (req.headers.authorization !== "Bearer li-token") return { status: 401, body: { serviceErrorCode: 65600, message: "Invalid access token", status: 401 } };
              if (req.method === "GET" && path.endsWith("/rest/organizationalEntityShareStatistics")) {
                // q=organizationalEntity, the organisation, shares=List(…) / ugcPosts=List(…): lifetime organic statistics per post.
                if (url.searchParams.get("q") !== "organizationalEntity" || !(url.searchParams.get("organizationalEntity") ?? "").startsWith("urn:li:organization:"))
                  return { status: 400, body: { status: 400, message: "Invalid query parameters passed to request" } };
                const listOf = (name: string) => /^List\((.*)\)$/.exec(url.searchParams.get(name) ?? "")?.[1]?.split(",").filter(Boolean) ?? [];
                const urns = [...listOf("shares"), ...listOf("ugcPosts")];
                metricReads.push({ network: "linkedin", ids: urns.length });
                const elements = urns
                  .filter((urn) => livePost("linkedin", urn))
                  .map((urn) => {
                    const f = fig("linkedin", urn);
                    const impressions = f.impressions ?? 0;
                    const engaged = (f.likes ?? 0) + (f.replies ?? 0) + (f.reposts ?? 0);
                    return {
                      organizationalEntity: url.searchParams.get("organizationalEntity"),
                      [urn.startsWith("urn:li:ugcPost:") ? "ugcPost" : "share"]: urn,
                      totalShareStatistics: { uniqueImpressionsCount: Math.floor(impressions * 0.8), shareCount: f.reposts ?? 0, engagement: impressions > 0 ? engaged / impressions : 0, clickCount: 0, likeCount: f.likes ?? 0, impressionCount: impressions, commentCount: f.replies ?? 0 },
                    };
                  });
                return { status: 200, body: { paging: { count: 10, start: 0, links: [] }, elements } };
              }
              if (req.method === "POST" && path.endsWith("/rest/images") && url.searchParams.get("action") === "initializeUpload") {
                const owner = (json.initializeUploadRequest as { owner?: string } | undefined)?.owner ?? "";
                if (!owner.startsWith("urn:li:organization:") && !owner.startsWith("urn:li:person:")) return { status: 422, body: { status: 422, message: "Field Value validation failed in REQUEST_BODY: /initializeUploadRequest/owner" } };
                const image = `urn:li:image:C4D${String(++mediaSeq).padStart(6, "0")}`;
                liImages.set(image, { bytes: 0, type: "", uploaded: false });
                return { status: 200, body: { value: { uploadUrlExpiresAt: Date.now() + 86_400_000, uploadUrl: `http://${req.headers.host ?? "fake"}/linkedin/upload/${encodeURIComponent(image)}`, image } } };
              }
              const uploadTo = /^\/linkedin\/upload\/([^/]+)$/.exec(path);
              if (req.method === "PUT" && uploadTo) {
                const image = liImages.get(decodeURIComponent(uploadTo[1]!));
                const type = String(req.headers["content-type"] ?? "");
                if (!image || rawBytes.length === 0) return { status: 400, body: { status: 400, message: "upload failed" } };
                if (!["image/jpeg", "image/png", "image/gif"].includes(type) || rawBytes.length > 36_152_320) return { status: 400, body: { status: 400, message: "unsupported image" } };
                Object.assign(image, { bytes: rawBytes.length, type, uploaded: true });
                mediaUploads.push({ network: "linkedin", id: decodeURIComponent(uploadTo[1]!), bytes: rawBytes.length, type, description: "" });
                return { status: 201, body: undefined };
              }
              // The Videos API: initializeUpload gives the video's URN and one upload URL per 4 MiB
              // part; each PUT answers an ETag; finalizeUpload takes the ETags in order; GET
              // /rest/videos/{urn} reports PROCESSING, then AVAILABLE.
              if (req.method === "POST" && path.endsWith("/rest/videos") && url.searchParams.get("action") === "initializeUpload") {
                const request = (json.initializeUploadRequest ?? {}) as { owner?: string; fileSizeBytes?: number };
                if (!request.owner?.startsWith("urn:li:organization:") && !request.owner?.startsWith("urn:li:person:")) return { status: 422, body: { status: 422, message: "Field Value validation failed in REQUEST_BODY: /initializeUploadRequest/owner" } };
                const size = Number(request.fileSizeBytes);
                if (!Number.isInteger(size) || size < 75 * 1024 || size > 500 * 1024 * 1024) return { status: 422, body: { status: 422, message: "fileSizeBytes must be between 75 KB and 500 MB" } };
                const video = `urn:li:video:C5F10AQ${String(++mediaSeq).padStart(6, "0")}`;
                const part = 4 * 1024 * 1024;
                const parts = Array.from({ length: Math.ceil(size / part) }, (_, i) => ({ first: i * part, last: Math.min(size, (i + 1) * part) - 1, etag: null as string | null }));
                liVideos.set(video, { size, parts, finalized: false, polls: 0 });
                return {
                  status: 200,
                  body: {
                    value: {
                      uploadUrlsExpireAt: Date.now() + 86_400_000,
                      video,
                      uploadInstructions: parts.map((p, i) => ({ uploadUrl: `http://${req.headers.host ?? "fake"}/linkedin/video-upload/${encodeURIComponent(video)}/${i}`, firstByte: p.first, lastByte: p.last })),
                      uploadToken: "",
                    },
                  },
                };
              }
              const videoPart = /^\/linkedin\/video-upload\/([^/]+)\/(\d+)$/.exec(path);
              if (req.method === "PUT" && videoPart) {
                const video = liVideos.get(decodeURIComponent(videoPart[1]!));
                const part = video?.parts[Number(videoPart[2])];
                if (!video || !part) return { status: 404, body: { status: 404, message: "no such upload" } };
                if (rawBytes.length !== part.last - part.first + 1) return { status: 400, body: { status: 400, message: `part ${videoPart[2]} must be ${part.last - part.first + 1} bytes` } };
                part.etag = `"${createHmac("sha256", "li").update(rawBytes).digest("hex").slice(0, 24)}"`;
                return { status: 200, body: undefined, headers: { etag: part.etag } };
              }
              if (req.method === "POST" && path.endsWith("/rest/videos") && url.searchParams.get("action") === "finalizeUpload") {
                const request = (json.finalizeUploadRequest ?? {}) as { video?: string; uploadedPartIds?: string[] };
                const video = liVideos.get(request.video ?? "");
                if (!video) return { status: 404, body: { status: 404, message: "no such video" } };
                const ids = request.uploadedPartIds ?? [];
                if (ids.length !== video.parts.length || video.parts.some((p, i) => !p.etag || p.etag !== ids[i])) return { status: 400, body: { status: 400, message: "uploadedPartIds do not match the uploaded parts" } };
                video.finalized = true;
                mediaUploads.push({ network: "linkedin", id: request.video!, bytes: video.size, type: "video/mp4", description: "" });
                return { status: 200, body: undefined };
              }
              const videoOf = /^\/linkedin\/rest\/videos\/([^/]+)$/.exec(path);
              if (req.method === "GET" && videoOf) {
                const urn = decodeURIComponent(videoOf[1]!);
                const video = liVideos.get(urn);
                if (!video) return { status: 404, body: { status: 404, message: `Not found: ${urn}` } };
                if (!video.finalized) return { status: 200, body: { id: urn, status: "WAITING_UPLOAD" } };
                video.polls++;
                return { status: 200, body: { id: urn, status: video.polls < 2 ? "PROCESSING" : "AVAILABLE", duration: 0 } };
              }
              const social = /^\/linkedin\/rest\/socialActions\/([^/]+)\/comments$/.exec(path);
              if (social) {
                if (!req.headers["linkedin-version"]) return { status: 426, body: { status: 426, code: "NONEXISTENT_VERSION", message: "Requested version  is not active" } };
                const target = decodeURIComponent(social[1]!);
                const isComment = target.startsWith("urn:li:comment:");
                const exists = isComment ? liComments.some((c) => c.commentUrn === target) : posts.some((p) => p.network === "linkedin" && liPostUrn(p) === target) || liComments.some((c) => c.object === target);
                if (!exists) return { status: 404, body: { status: 404, serviceErrorCode: 0, code: "NOT_FOUND", message: `Not found: ${target}` } };
                if (req.method === "GET") {
                  // Comments on a post (top level) or on a comment (its replies), oldest first; start/count paging, count 10 by default, 100 at most.
                  const list = liComments.filter((c) => (isComment ? c.parentComment === target : c.object === target && !c.parentComment));
                  const start = Number(url.searchParams.get("start") ?? 0);
                  const count = Math.min(Number(url.searchParams.get("count") ?? 10) || 10, 100);
                  const page = list.slice(start, start + count);
                  const replies = (urn: string) => liComments.filter((c) => c.parentComment === urn).length;
                  return {
                    status: 200,
                    body: {
                      paging: { start, count, total: list.length, links: [] },
                      elements: page.map((c) => ({
                        id: c.id,
                        commentUrn: c.commentUrn,
                        actor: c.actor,
                        object: c.object,
                        message: { text: c.text, attributes: [] },
                        created: { actor: c.actor, time: c.time },
                        lastModified: { actor: c.actor, time: c.time },
                        ...(c.parentComment ? { parentComment: c.parentComment } : {}),
                        commentsSummary: { aggregatedTotalComments: replies(c.commentUrn), totalFirstLevelComments: replies(c.commentUrn) },
                      })),
                    },
                  };
                }
                // POST: the organisation comments (on a comment: parentComment names it). No idempotency.
                const body = json as { actor?: string; object?: string; message?: { text?: string }; parentComment?: string };
                if (!body.actor?.startsWith("urn:li:organization:") || !body.object || !body.message?.text) return { status: 422, body: { status: 422, message: "Field Value validation failed in REQUEST_BODY: Data Processing Exception while processing fields [/actor, /object, /message]" } };
                const parent = isComment ? liComments.find((c) => c.commentUrn === target)! : undefined;
                const answer = accept("linkedin", body.message.text, `reply:${target}:${body.message.text}`);
                answer.inReplyTo = target;
                const id = String(7_000_000_000 + ++liSeq);
                const object = parent ? parent.object : target;
                const commentUrn = `urn:li:comment:(${object},${id})`;
                // One level of replies: an answer to a reply joins the top comment.
                const top = parent ? (parent.parentComment ?? parent.commentUrn) : undefined;
                liComments.push({ id, commentUrn, object, ...(top ? { parentComment: top } : {}), actor: body.actor, text: body.message.text, time: Date.now() });
                return { status: 201, body: { id, commentUrn, object, actor: body.actor, message: { text: body.message.text }, created: { actor: body.actor, time: Date.now() } }, headers: { "x-restli-id": commentUrn } };
              }
              const text = field("commentary");
              const content = json.content as { media?: { id?: string; altText?: string }; multiImage?: { images?: { id?: string; altText?: string }[] } } | undefined;
              const videoUrn = content?.media?.id?.startsWith("urn:li:video:") ? content.media.id : null;
              if (videoUrn && (!liVideos.get(videoUrn)?.finalized || (liVideos.get(videoUrn)?.polls ?? 0) < 2)) return { status: 422, body: { status: 422, message: "Field Value validation failed in REQUEST_BODY: /content/media: the video is not available yet" } };
              const pictures = videoUrn ? [] : content?.media ? [content.media] : (content?.multiImage?.images ?? []);
              if (pictures.some((p) => !liImages.get(p.id ?? "")?.uploaded)) return { status: 422, body: { status: 422, message: "Field Value validation failed in REQUEST_BODY: /content: the image is not uploaded" } };
              if (pictures.some((p) => (p.altText ?? "").length > 4086)) return { status: 422, body: { status: 422, message: "altText is too long" } };
              const dup = posts.find((p) => p.network === "linkedin" && p.text === text);
              if (dup)
                return {
                  status: 422,
                  body: { message: `Content is a duplicate of urn:li:share:${dup.id.replace(/\D/g, "").slice(0, 12) || "1"}`, errorDetails: { inputErrors: [{ code: "DUPLICATE_POST" }] }, status: 422 },
                };
              const post = accept("linkedin", text, null);
              if (videoUrn) post.media = [{ bytes: liVideos.get(videoUrn)!.size, type: "video/mp4", description: (content?.media as { title?: string }).title ?? "" }];
              if (pictures.length > 0) post.media = pictures.map((p) => ({ bytes: liImages.get(p.id!)!.bytes, type: liImages.get(p.id!)!.type, description: p.altText ?? "" }));
              return { status: 201, body: undefined, headers: { "x-restli-id": `urn:li:share:${post.id.replace(/\D/g, "").slice(0, 12) || "1"}` } };
            }
            case "youtube": {
              // The Data API v3 as documented: OAuth bearer token; videos.insert through the
              // resumable upload protocol (POST opens a session whose address is in Location; PUT
              // sends bytes, with Content-Range when resuming; a PUT of "bytes */N" asks how far it
              // got: 308 with Range, or the video once complete); Google's JSON errors.
              const googleError = (code: number, reason: string, message: string) => ({ status: code, body: { error: { code, message, errors: [{ reason, message, domain: "youtube.video" }] } } });
              if (req.headers.authorization !== "Bearer youtube-token") return googleError(401, "authError", "Request had invalid authentication credentials.");
              if (req.method === "GET" && path.endsWith("/youtube/v3/videos")) {
                // videos.list part=statistics, id=… (50 at most): the videos found, as strings; likeCount absent when hidden.
                const ids = (url.searchParams.get("id") ?? "").split(",").filter(Boolean);
                if (url.searchParams.get("part") !== "statistics" && !(url.searchParams.get("part") ?? "").split(",").includes("statistics")) return googleError(400, "invalidPart", "part must include statistics here");
                if (ids.length > 50) return googleError(400, "invalidFilters", "Too many ids: 50 at most");
                metricReads.push({ network: "youtube", ids: ids.length });
                return {
                  status: 200,
                  body: {
                    kind: "youtube#videoListResponse",
                    items: ids
                      .filter((id) => livePost("youtube", id))
                      .map((id) => {
                        const f = fig("youtube", id);
                        return { kind: "youtube#video", id, statistics: { viewCount: String(f.views ?? 0), ...(f.likes === -1 ? {} : { likeCount: String(f.likes ?? 0) }), favoriteCount: "0", commentCount: String(f.replies ?? 0) } };
                      }),
                    pageInfo: { totalResults: ids.length, resultsPerPage: ids.length },
                  },
                };
              }
              if (req.method === "GET" && path.endsWith("/youtube/v3/channels")) return { status: 200, body: { kind: "youtube#channelListResponse", items: [{ kind: "youtube#channel", id: "UC-cadence", snippet: { title: "Cadence" } }] } };
              if (req.method === "POST" && path.endsWith("/upload/youtube/v3/videos")) {
                if (url.searchParams.get("uploadType") !== "resumable") return googleError(400, "badRequest", "uploadType must be resumable here");
                const body = json as { snippet?: { title?: string; description?: string; defaultLanguage?: string }; status?: { privacyStatus?: string } };
                const title = body.snippet?.title ?? "";
                if (!title || title.length > 100 || /[<>]/.test(title)) return googleError(400, "invalidTitle", "The request metadata specifies an invalid or empty video title.");
                if ((body.snippet?.description ?? "").length > 5000 || /[<>]/.test(body.snippet?.description ?? "")) return googleError(400, "invalidDescription", "The request metadata specifies an invalid video description.");
                const total = Number(req.headers["x-upload-content-length"] ?? NaN);
                const type = String(req.headers["x-upload-content-type"] ?? "");
                if (!Number.isFinite(total) || total <= 0 || !(type.startsWith("video/") || type === "application/octet-stream")) return googleError(400, "badContent", "Media type or length not supported.");
                const sessionId = `s${++ytSeq}`;
                ytSessions.set(sessionId, { total, type, title, description: body.snippet?.description ?? "", language: body.snippet?.defaultLanguage ?? null, received: [], videoId: null });
                return { status: 200, body: undefined, headers: { location: `http://${req.headers.host ?? "fake"}/youtube/upload/youtube/v3/videos?uploadType=resumable&upload_id=${sessionId}` } };
              }
              const session = req.method === "PUT" ? ytSessions.get(url.searchParams.get("upload_id") ?? "") : undefined;
              if (req.method === "PUT") {
                if (!session) return { status: 404, body: { error: { code: 404, message: "Upload session not found" } } };
                const size = () => session.received.reduce((n, b) => n + b.length, 0);
                const video = () => ({ kind: "youtube#video", id: session.videoId, snippet: { title: session.title, description: session.description, defaultLanguage: session.language }, status: { uploadStatus: "uploaded", privacyStatus: "public" } });
                const range = String(req.headers["content-range"] ?? "");
                if (session.videoId) return { status: 200, body: video() };
                if (range === `bytes */${session.total}`) return size() === 0 ? { status: 308, body: undefined } : { status: 308, body: undefined, headers: { range: `bytes=0-${size() - 1}` } };
                const from = range ? Number(/^bytes (\d+)-/.exec(range)?.[1] ?? NaN) : 0;
                if (from !== size()) return googleError(400, "badRange", `expected bytes from ${size()}`);
                session.received.push(rawBytes);
                if (size() < session.total) return { status: 308, body: undefined, headers: { range: `bytes=0-${size() - 1}` } };
                if (size() > session.total) return googleError(400, "badContent", "more bytes than announced");
                session.videoId = `yt${String(ytSeq).padStart(4, "0")}${randomUUID().slice(0, 6)}`;
                const post = accept("youtube", `${session.title}\n\n${session.description}`, url.searchParams.get("upload_id"));
                post.id = session.videoId;
                post.media = [{ bytes: session.total, type: session.type, description: "" }];
                mediaUploads.push({ network: "youtube", id: session.videoId, bytes: session.total, type: session.type, description: "" });
                return { status: 201, body: video() };
              }
              return googleError(404, "notFound", "Not Found");
            }
            case "webhook": {
              const id = String(req.headers["webhook-id"] ?? "");
              const ts = String(req.headers["webhook-timestamp"] ?? "");
              const expected = `v1,${createHmac("sha256", Buffer.from(WEBHOOK_SECRET.slice(6), "base64")).update(`${id}.${ts}.${raw}`).digest("base64")}`;
              const given = String(req.headers["webhook-signature"] ?? "");
              if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return { status: 401, body: { error: "bad signature" } };
              if (!webhookIds.has(id)) webhookIds.set(id, accept("webhook", String((json.data as { text?: string } | undefined)?.text ?? ""), id));
              return { status: 204, body: undefined };
            }
          }
        };

        if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
        if (fbCutNextUpload && network === "facebook" && req.method === "POST" && /\/upload:/.test(path)) {
          // Cut off half-way: the session keeps the first half, and the connection drops.
          fbCutNextUpload = false;
          const session = fbUploads.get(decodeURIComponent(path.split("/").pop()!));
          if (session && Number(req.headers.file_offset) === session.received) session.received += Math.floor(rawBytes.length / 2);
          req.socket.destroy();
          return;
        }
        if (scripted) {
          // A YouTube upload cut off half-way: the session keeps the first half.
          if (network === "youtube" && scripted.status === 308) {
            const upload = ytSessions.get(url.searchParams.get("upload_id") ?? "");
            if (upload && !upload.videoId) {
              const half = rawBytes.subarray(0, Math.floor(rawBytes.length / 2));
              const range = String(req.headers["content-range"] ?? "");
              const from = range ? Number(/^bytes (\d+)-/.exec(range)?.[1] ?? 0) : 0;
              if (from === upload.received.reduce((n, b) => n + b.length, 0)) upload.received.push(half);
              const got = upload.received.reduce((n, b) => n + b.length, 0);
              return send(308, undefined, got > 0 ? { range: `bytes=0-${got - 1}` } : {});
            }
          }
          if (scripted.acceptThen) normal();
          if (scripted.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs));
          return send(scripted.status, scripted.body ?? {}, scripted.headers);
        }
        const answer = normal();
        send(answer.status, answer.body, answer.headers);
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const api: FakeNetworks = {
    url: `http://127.0.0.1:${port}`,
    posts,
    calls,
    webhookSecret: WEBHOOK_SECRET,
    mediaUploads,
    fail(network, ...answers) {
      scripts.set(network, [...(scripts.get(network) ?? []), ...answers]);
    },
    blueskySessions,
    metricReads,
    engage(network, remoteId, f) {
      figures.set(`${network}|${remoteId}`, { ...fig(network, remoteId), ...f });
    },
    seedPosts(network, count) {
      return Array.from({ length: count }, (_, i) => {
        const key = network === "bluesky" ? `3s${String(++blueskySeq).padStart(11, "0")}` : null;
        const post = accept(network, `seeded ${network} post ${i} ${randomUUID()}`, key);
        if (network === "bluesky") blueskyRecords.set(key!, post);
        return remoteIdOf(post);
      });
    },
    adopt(network, remoteId) {
      if (livePost(network, network === "bluesky" && !remoteId.startsWith("at://") ? `at://did:plc:cadence/app.bsky.feed.post/${remoteId}` : remoteId)) return;
      const rkey = network === "bluesky" ? (remoteId.startsWith("at://") ? remoteId.split("/").pop()! : remoteId) : null;
      const post = accept(network, `adopted post ${remoteId}`, rkey);
      if (network === "mastodon") post.id = remoteId;
      else blueskyRecords.set(rkey!, post);
    },
    deletePost(network, remoteId) {
      deleted.add(`${network}|${remoteId}`);
    },
    cutNextUpload() {
      fbCutNextUpload = true;
    },
    expireBlueskyAccess() {
      // The access token expires; the session's refresh token still works, once.
      bskyAccessExpired = true;
    },
    failReads(network, ...answers) {
      readScripts.set(network, [...(readScripts.get(network) ?? []), ...answers]);
    },
    reads,
    publicPost(network, p) {
      const at = (p.at ?? new Date()).toISOString();
      if (network === "mastodon") {
        const id = String(++mastodonSeq);
        mastodonPublic.push({ id, created_at: at, in_reply_to_id: null, visibility: "public", content: `<p>${escapeHtml(p.text)}</p>`, account: { id: `acc-${p.author}`, acct: p.author, username: p.author.split("@")[0]! } });
        return id;
      }
      const rkey = `3k${String(++blueskySeq).padStart(11, "0")}`;
      // The account itself (cadence.test) posts under its session's DID.
      const did = p.author === "cadence.test" ? "did:plc:cadence" : `did:plc:${p.author.replace(/[^a-z0-9]/gi, "").toLowerCase()}`;
      const uri = `at://${did}/app.bsky.feed.post/${rkey}`;
      const last = [...blueskyPublic, ...blueskyNotifications].reduce((m, x) => (x.indexedAt > m ? x.indexedAt : m), "1970-01-01T00:00:00.000Z");
      const indexedAt = new Date(Math.max(Date.parse(at), Date.parse(last) + 1)).toISOString();
      blueskyPublic.push({ uri, cid: `bafyrei${rkey}`, author: { did, handle: p.author }, record: { $type: "app.bsky.feed.post", text: p.text, createdAt: at }, indexedAt });
      return uri;
    },
    mention(network, m) {
      const at = (m.at ?? new Date()).toISOString();
      if (network === "facebook") {
        if (!m.inReplyTo) throw new Error("a Facebook comment answers a post or a comment");
        const parent = fbComments.find((c) => c.id === m.inReplyTo);
        const postId = parent ? parent.postId : m.inReplyTo;
        const id = `${postId.split("_").pop()}_${++fbSeq}`;
        fbComments.push({ id, postId, parentId: parent ? (parent.parentId ?? parent.id) : null, message: m.text, from: { id: `psid-${m.author}`, name: m.author }, created_time: fbTime(m.at ?? new Date()) });
        return id;
      }
      if (network === "linkedin") {
        if (!m.inReplyTo) throw new Error("a LinkedIn comment answers a post or a comment");
        const parent = liComments.find((c) => c.commentUrn === m.inReplyTo);
        const object = parent ? parent.object : m.inReplyTo;
        const id = String(7_000_000_000 + ++liSeq);
        const commentUrn = `urn:li:comment:(${object},${id})`;
        liComments.push({ id, commentUrn, object, ...(parent ? { parentComment: parent.parentComment ?? parent.commentUrn } : {}), actor: `urn:li:person:${m.author}`, text: m.text, time: (m.at ?? new Date()).getTime() });
        return commentUrn;
      }
      if (network === "x") {
        const id = String(++xSeq);
        xMentions.push({ id, text: `@cadence ${m.text}`, author_id: `u-${m.author}`, username: m.author, created_at: at, ...(m.inReplyTo ? { referenced_tweets: [{ type: "replied_to", id: m.inReplyTo }] } : {}) });
        return id;
      }
      if (network === "mastodon") {
        const statusId = String(++mastodonSeq);
        const account = { id: `acc-${m.author}`, acct: m.author, username: m.author.split("@")[0]! };
        const status = {
          id: statusId,
          created_at: at,
          in_reply_to_id: m.inReplyTo ?? null,
          visibility: m.visibility ?? "public",
          language: null,
          content: `<p><span class="h-card"><a href="https://fake.social/@cadence" class="u-url mention">@<span>cadence</span></a></span> ${escapeHtml(m.text)}</p>`,
          account,
        };
        mastodonNotifications.push({ id: String(++mastodonSeq), type: "mention", created_at: at, account, status });
        return statusId;
      }
      const rkey = `3k${String(++blueskySeq).padStart(11, "0")}`;
      const did = `did:plc:${m.author.replace(/[^a-z0-9]/gi, "").toLowerCase()}`;
      const uri = `at://${did}/app.bsky.feed.post/${rkey}`;
      const cid = `bafyrei${rkey}`;
      const parent = m.inReplyTo;
      const reply = parent ? { root: { uri: parent, cid: `cid-of-${parent.split("/").pop()}` }, parent: { uri: parent, cid: `cid-of-${parent.split("/").pop()}` } } : undefined;
      // indexedAt strictly increases, as the network's index does.
      const lastIndexed = [...blueskyPublic, ...blueskyNotifications].reduce((max, x) => (x.indexedAt > max ? x.indexedAt : max), "1970-01-01T00:00:00.000Z");
      const indexedAt = new Date(Math.max(Date.parse(at), Date.parse(lastIndexed) + 1)).toISOString();
      blueskyNotifications.push({ uri, cid, author: { did, handle: m.author }, reason: m.reason ?? (parent ? "reply" : "mention"), record: { $type: "app.bsky.feed.post", text: m.text, createdAt: at, ...(reply ? { reply } : {}) }, isRead: false, indexedAt, labels: [] });
      return uri;
    },
    duplicates() {
      const seen = new Set<string>();
      const twice: ReceivedPost[] = [];
      for (const p of posts) {
        const k = `${p.network}|${p.key ?? p.text}`;
        if (seen.has(k)) twice.push(p);
        seen.add(k);
      }
      return twice;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
