import { Readable } from "node:stream";
import { composeBody, videoTitle } from "../domain/channel-text";
import { NETWORK_MEDIA_RULES } from "../domain/network-media";
import { errorText, httpCall, withoutResponse } from "./http.server";
import { uploadImagesOnce } from "./media-upload.server";
import { countOf, type AdapterChannel, type AdapterDeps, type ChannelAdapter, type CollectOutcome, type IncomingMessage, type MetricsOutcome, type PostMetrics, type PublishInput, type PublishOutcome } from "./types";

const DEFAULT_BASE = "https://graph.facebook.com/v21.0";

/** Meta's usage headers: the longest "estimated_time_to_regain_access" (minutes), if any. */
function regainAt(headers: Headers, now: Date): Date | undefined {
  const raw = headers.get("x-business-use-case-usage");
  if (!raw) return undefined;
  try {
    const usage = JSON.parse(raw) as Record<string, { estimated_time_to_regain_access?: number }[]>;
    const minutes = Math.max(0, ...Object.values(usage).flat().map((u) => u.estimated_time_to_regain_access ?? 0));
    return minutes > 0 ? new Date(now.getTime() + minutes * 60_000) : undefined;
  } catch {
    // A malformed header gives no signal: the publisher's own backoff applies.
    return undefined;
  }
}

function graphBase(channel: AdapterChannel): string {
  return (channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
}

/** What a Graph API error means for a read or an answer: the same codes as for a post. */
function graphError(status: number, json: unknown, body: string, headers: Headers, now: Date): Exclude<PublishOutcome, { kind: "published" }> {
  const code = (json as { error?: { code?: number } } | null)?.error?.code;
  const detail = errorText(json, body, `HTTP ${status}`);
  if (code === 190 || code === 102) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
  if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) return { kind: "failed", code: "permission", detail, reconnect: true };
  if (code === 4 || code === 17 || code === 32 || code === 613 || code === 80001 || status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: regainAt(headers, now) };
  if (code === 1 || code === 2 || status >= 500) return { kind: "retry", code: "network.server", detail };
  return { kind: "failed", code: "validation", detail };
}

// A page post ("{page}_{post}") gives its reactions, comments and shares, and its unique views
// (post_total_media_view_unique: Meta's replacement for post impressions, retired in 2025) when the
// token has read_insights; a video gives reactions and comments.
const POST_FIELDS = "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares,insights.metric(post_total_media_view_unique)";
const VIDEO_FIELDS = "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)";

interface GraphFigures {
  reactions?: { summary?: { total_count?: unknown } };
  comments?: { summary?: { total_count?: unknown } };
  shares?: { count?: unknown };
  insights?: { data?: { name?: string; values?: { value?: unknown }[] }[] };
}

/**
 * Several posts in one call (GET /?ids=a,b&fields=…, 50 ids at most). Meta refuses the whole call
 * when one id no longer exists (code 803, or 100 for an object it cannot load): the batch is then read one post at a time, and a post
 * that fails alone is "gone". Shares absent from the answer mean none (Meta leaves the field out
 * at zero); views are "not available" without the insight.
 */
async function readFacebookMetrics(channel: AdapterChannel, remoteIds: readonly string[], deps: AdapterDeps): Promise<MetricsOutcome> {
  const metrics = new Map<string, PostMetrics | "gone">();
  const figures = (f: GraphFigures, isPost: boolean): PostMetrics => {
    const views = f.insights?.data?.find((d) => d.name === "post_total_media_view_unique")?.values?.[0]?.value;
    return { likes: countOf(f.reactions?.summary?.total_count), reposts: isPost ? (countOf(f.shares?.count) ?? 0) : null, replies: countOf(f.comments?.summary?.total_count), quotes: null, impressions: null, views: countOf(views) };
  };
  const read = async (ids: readonly string[], fields: string): Promise<MetricsOutcome | "split"> => {
    const q = new URLSearchParams({ ids: ids.join(","), fields, access_token: channel.credentials.accessToken ?? "" });
    const r = await httpCall(deps.fetch, `${graphBase(channel)}/?${q.toString()}`, {}, deps.timeoutMs);
    if (!r.ok) return { kind: "retry", code: r.code, detail: r.detail };
    const status = r.response.status;
    if (status === 200 && r.json && typeof r.json === "object") {
      const answer = r.json as Record<string, GraphFigures>;
      for (const id of ids) metrics.set(id, answer[id] ? figures(answer[id], fields === POST_FIELDS) : "gone");
      return { kind: "ok", metrics, notBefore: regainAt(r.response.headers, deps.now()) };
    }
    const code = (r.json as { error?: { code?: number } } | null)?.error?.code;
    if (code === 803 || code === 100) {
      if (ids.length > 1) return "split";
      metrics.set(ids[0]!, "gone");
      return { kind: "ok", metrics };
    }
    const refused = graphError(status, r.json, r.body, r.response.headers, deps.now());
    return refused.kind === "unknown" ? { kind: "retry", code: refused.code, detail: refused.detail } : refused;
  };
  let notBefore: Date | undefined;
  for (const [ids, fields] of [[remoteIds.filter((id) => id.includes("_")), POST_FIELDS], [remoteIds.filter((id) => !id.includes("_")), VIDEO_FIELDS]] as const) {
    if (ids.length === 0) continue;
    let outcome = await read(ids, fields);
    if (outcome === "split") {
      for (const id of ids) {
        outcome = await read([id], fields);
        if (outcome !== "split" && outcome.kind !== "ok") break;
      }
    }
    if (outcome !== "split" && outcome.kind !== "ok") return metrics.size > 0 ? { kind: "ok", metrics, notBefore: outcome.kind === "retry" ? outcome.notBefore : undefined } : outcome;
    if (outcome !== "split") notBefore = outcome.notBefore ?? notBefore;
  }
  return { kind: "ok", metrics, notBefore };
}

interface GraphComment {
  id: string;
  message?: string;
  created_time?: string;
  from?: { id?: string; name?: string };
  parent?: { id?: string };
}

/**
 * Who wrote a comment, as the inbox names them: the name the Page sees and its page-scoped id (two
 * people may share a name). Without the page's MODERATE task Meta leaves `from` out: each such
 * comment is then its own conversation.
 */
export function facebookAuthor(from: GraphComment["from"], commentId: string): string {
  if (from?.id) return from.name ? `${from.name} (${from.id})` : from.id;
  return `facebook-${commentId}`;
}

/** Graph API times are "2026-07-10T16:00:00+0000": the offset without a colon. */
function graphTime(value: string | number | undefined, fallback: Date): Date {
  if (typeof value === "number") return new Date(value * 1000);
  const t = Date.parse((value ?? "").replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(t) ? fallback : new Date(t);
}

/** One comment as the inbox keeps it (the post or comment it answers threads it). */
export function facebookComment(c: { id: string; message?: string; from?: GraphComment["from"]; createdAt: string | number | undefined; parentId: string | null; postId: string }, now: Date): IncomingMessage {
  return {
    remoteId: c.id,
    remoteCid: null,
    rootRemoteId: c.postId,
    rootRemoteCid: null,
    inReplyToRemoteId: c.parentId ?? c.postId,
    authorHandle: facebookAuthor(c.from, c.id),
    text: c.message ?? "",
    writtenAt: graphTime(c.createdAt, now),
    visibility: null,
  };
}

/**
 * Comments on the page's recent posts: GET /{post-id}/comments with filter=stream (every comment,
 * replies included, each with its parent) in reverse chronological order, following
 * paging.next until the stored position (the newest comment time read). Comments at that very
 * second are read again and dropped by their unique key. The first round reads one page a post.
 */
async function collectComments(channel: AdapterChannel, position: string | null, deps: AdapterDeps, options: { pageSize: number; maxPages: number; recentPosts: readonly string[] }): Promise<CollectOutcome> {
  const since = position ? new Date(position) : null;
  const pageId = channel.credentials.pageId ?? channel.handle;
  const messages: IncomingMessage[] = [];
  let newest = since;
  for (const postId of options.recentPosts) {
    const q = new URLSearchParams({
      filter: "stream",
      order: "reverse_chronological",
      fields: "id,message,created_time,from{id,name},parent{id}",
      limit: String(Math.min(100, options.pageSize)),
      access_token: channel.credentials.accessToken ?? "",
    });
    let next: string | null = `${graphBase(channel)}/${encodeURIComponent(postId)}/comments?${q.toString()}`;
    for (let page = 0; next && page < options.maxPages; page++) {
      const r = await httpCall(deps.fetch, next, {}, deps.timeoutMs);
      if (!r.ok) return { kind: "retry", code: r.code, detail: r.detail };
      if (r.response.status !== 200) {
        const code = (r.json as { error?: { code?: number } } | null)?.error?.code;
        // A post removed from the page has no comments to read.
        if (code === 100 && r.response.status === 400) break;
        const outcome = graphError(r.response.status, r.json, r.body, r.response.headers, deps.now());
        return outcome.kind === "retry" ? outcome : { kind: "failed", code: outcome.code, detail: outcome.detail, reconnect: outcome.kind === "failed" ? outcome.reconnect : undefined };
      }
      const body = r.json as { data?: GraphComment[]; paging?: { next?: string } } | null;
      let reachedKnown = false;
      for (const c of body?.data ?? []) {
        const message = facebookComment({ id: c.id, message: c.message, from: c.from, createdAt: c.created_time, parentId: c.parent?.id ?? null, postId }, deps.now());
        if (since && message.writtenAt < since) {
          reachedKnown = true;
          break;
        }
        if (!newest || message.writtenAt > newest) newest = message.writtenAt;
        // The page's own answers are in the thread too: they are ours, not a citizen's.
        if (c.from?.id !== pageId) messages.push(message);
      }
      next = !since || reachedKnown ? null : (body?.paging?.next ?? null);
    }
  }
  messages.sort((a, b) => a.writtenAt.getTime() - b.writtenAt.getTime());
  return { kind: "ok", messages, position: newest ? newest.toISOString() : position };
}

/** Looks for the page's own answer under a comment (after a call whose outcome is unknown). */
async function findAnswer(input: PublishInput, deps: AdapterDeps) {
  const reply = input.replyTo;
  if (!reply) return null;
  const pageId = input.channel.credentials.pageId ?? input.channel.handle;
  const q = new URLSearchParams({ filter: "stream", order: "reverse_chronological", fields: "id,message,from{id}", limit: "100", access_token: input.channel.credentials.accessToken ?? "" });
  const r = await httpCall(deps.fetch, `${graphBase(input.channel)}/${encodeURIComponent(reply.remoteId)}/comments?${q.toString()}`, {}, deps.timeoutMs);
  if (!r.ok || r.response.status !== 200) return undefined;
  const found = ((r.json as { data?: GraphComment[] } | null)?.data ?? []).find((c) => c.from?.id === pageId && (c.message ?? "").trim() === input.text.trim());
  return found ?? null;
}

/** Unpublished page photos are kept for a day: reused by a retry within 20 hours. */
const PHOTO_REUSE_MS = 20 * 3600_000;

/**
 * Each image as an unpublished page photo (POST /{page-id}/photos, multipart `source`,
 * `published=false`, `temporary=true`, its alt text as `alt_text_custom`); the post then attaches
 * them with `attached_media` (a page post with photos shows no link preview: the link stays in its
 * text).
 */
async function uploadPhotos(input: PublishInput, deps: AdapterDeps, pageId: string) {
  return await uploadImagesOnce(input, deps, { reuseMs: PHOTO_REUSE_MS, rules: NETWORK_MEDIA_RULES.facebook }, async (v, image) => {
    const form = new FormData();
    form.append("source", new Blob([new Uint8Array(image.bytes)], { type: image.contentType }), "image");
    form.append("published", "false");
    form.append("temporary", "true");
    form.append("alt_text_custom", v.alt);
    form.append("access_token", input.channel.credentials.accessToken ?? "");
    const r = await httpCall(deps.fetch, `${graphBase(input.channel)}/${encodeURIComponent(pageId)}/photos`, { method: "POST", body: form }, deps.timeoutMs);
    // A photo lost on the way stays unpublished and is dropped by Meta: safe to send again.
    if (!r.ok) return { ok: false, outcome: { kind: "retry", code: r.code, detail: r.detail } };
    const id = (r.json as { id?: string } | null)?.id;
    if (r.response.status === 200 && id) return { ok: true, id };
    return { ok: false, outcome: graphError(r.response.status, r.json, r.body, r.response.headers, deps.now()) };
  });
}

/** Meta keeps an uploaded file's session and handle for about a day: reused within 20 hours. */
const VIDEO_UPLOAD_REUSE_MS = 20 * 3600_000;
/** A video upload has time: 1 minute plus 1 second per megabyte. */
const uploadTimeout = (bytes: number, base: number) => Math.max(base, 60_000 + Math.ceil(bytes / 1_000_000) * 1000);

const videoDescription = (input: PublishInput) => composeBody("facebook", input.text, input.link);

/**
 * Where an upload session stands (GET /upload:{id}): the offset of the next byte Meta wants, or
 * gone (expired or unknown: a new session is started).
 */
async function uploadOffset(input: PublishInput, deps: AdapterDeps, session: string): Promise<{ kind: "offset"; offset: number } | { kind: "gone" } | { kind: "error"; outcome: PublishOutcome }> {
  const r = await httpCall(deps.fetch, `${graphBase(input.channel)}/${session}`, { headers: { authorization: `OAuth ${input.channel.credentials.accessToken ?? ""}` } }, deps.timeoutMs);
  if (!r.ok) return { kind: "error", outcome: { kind: "retry", code: r.code, detail: r.detail } };
  const offset = Number((r.json as { file_offset?: unknown } | null)?.file_offset);
  if (r.response.status === 200 && Number.isInteger(offset) && offset >= 0) return { kind: "offset", offset };
  if (r.response.status === 400 || r.response.status === 404) return { kind: "gone" };
  return { kind: "error", outcome: graphError(r.response.status, r.json, r.body, r.response.headers, deps.now()) };
}

/**
 * A page video, exactly once. The file goes through Meta's Resumable Upload API: POST
 * /{app-id}/uploads (name, length, type) opens a session, remembered on the publication before a
 * byte is sent; POST /upload:{id} with the `file_offset` header streams the file from that byte
 * (never the whole video in memory) and answers with a file handle, remembered too; a retry asks
 * the session its offset and resumes there. POST /{page-id}/videos with the handle in
 * `fbuploader_video_file_chunk`, a title and the post's text as description publishes it; the video
 * id is remembered at once. That last call has no idempotency key: the handle is marked "posting"
 * before it, and after an unknown outcome the page's latest videos are read first (by their
 * description): found, it is the post; listed nowhere, the call did not create it (Meta lists a
 * page video as soon as the call creates it) and it is sent again. A scheduler that died during
 * the call leaves it for `check`, which makes it "unconfirmed" rather than guess.
 */
async function publishVideo(input: PublishInput, deps: AdapterDeps, pageId: string, hash: string): Promise<PublishOutcome> {
  const media = deps.media;
  if (!media) return { kind: "failed", code: "config", detail: "no media library" };
  const appId = input.channel.credentials.appId;
  if (!appId) return { kind: "failed", code: "config", detail: "The channel has no Meta app ID (appId): reconnect it, or enter the app ID." };
  const token = input.channel.credentials.accessToken ?? "";
  const known = (await media.uploaded(input.publicationId))[hash];
  const fresh = known && deps.now().getTime() - Date.parse(known.at) < VIDEO_UPLOAD_REUSE_MS;
  if (known?.id.startsWith("video:")) {
    const id = known.id.slice("video:".length);
    return { kind: "published", remoteId: id, remoteUrl: `https://www.facebook.com/${pageId}/videos/${id}` };
  }
  if (fresh && known.id.startsWith("posting:")) {
    // An earlier publish call's outcome is unknown: the page's videos say whether it went out.
    const found = await findVideo(input, deps, pageId);
    if (found === undefined) return { kind: "retry", code: "network.server", detail: "cannot read the page's videos to see whether the earlier call went out" };
    if (found) {
      await media.remember(input.publicationId, hash, `video:${found}`);
      return { kind: "published", remoteId: found, remoteUrl: `https://www.facebook.com/${pageId}/videos/${found}` };
    }
  }
  let handle = fresh && (known.id.startsWith("handle:") || known.id.startsWith("posting:")) ? known.id.slice(known.id.indexOf(":") + 1) : null;
  if (!handle) {
    const file = await media.open(hash, 0);
    if (!file) return { kind: "failed", code: "validation", detail: `media file ${hash} is missing` };
    file.body.destroy();
    let session = fresh && known.id.startsWith("session:") ? known.id.slice("session:".length) : null;
    let from = 0;
    if (session) {
      const state = await uploadOffset(input, deps, session);
      if (state.kind === "error") return state.outcome;
      if (state.kind === "gone") session = null;
      else from = state.offset;
    }
    if (!session) {
      const q = new URLSearchParams({ file_name: `${hash.slice(0, 16)}.mp4`, file_length: String(file.size), file_type: file.contentType, access_token: token });
      const start = await httpCall(deps.fetch, `${graphBase(input.channel)}/${encodeURIComponent(appId)}/uploads?${q.toString()}`, { method: "POST" }, deps.timeoutMs);
      // A session opened but never told us stays empty: it never becomes a video.
      if (!start.ok) return { kind: "retry", code: start.code, detail: start.detail };
      const id = (start.json as { id?: unknown } | null)?.id;
      if (start.response.status !== 200 || typeof id !== "string" || !id.startsWith("upload:")) return graphError(start.response.status, start.json, start.body, start.response.headers, deps.now());
      session = id;
      await media.remember(input.publicationId, hash, `session:${session}`);
    }
    const body = await media.open(hash, from);
    if (!body) return { kind: "failed", code: "validation", detail: `media file ${hash} is missing` };
    const sent = await httpCall(
      deps.fetch,
      `${graphBase(input.channel)}/${session}`,
      { method: "POST", headers: { authorization: `OAuth ${token}`, file_offset: String(from), "content-length": String(body.size - from) }, body: Readable.toWeb(body.body) as unknown as ReadableStream<Uint8Array>, duplex: "half" },
      uploadTimeout(body.size - from, deps.timeoutMs),
    );
    body.body.destroy();
    // Cut off mid-way: the session knows its offset, and the next attempt resumes there.
    if (!sent.ok) return { kind: "retry", code: sent.code, detail: sent.detail };
    const h = (sent.json as { h?: unknown } | null)?.h;
    if (sent.response.status !== 200 || typeof h !== "string" || !h) return graphError(sent.response.status, sent.json, sent.body, sent.response.headers, deps.now());
    handle = h;
    await media.remember(input.publicationId, hash, `handle:${handle}`);
  }
  const form = new URLSearchParams({ access_token: token, title: videoTitle(input.text), description: videoDescription(input), fbuploader_video_file_chunk: handle });
  await media.remember(input.publicationId, hash, `posting:${handle}`);
  const r = await httpCall(deps.fetch, `${graphBase(input.channel)}/${encodeURIComponent(pageId)}/videos`, { method: "POST", body: form }, deps.timeoutMs);
  if (!r.ok) return withoutResponse(r);
  const id = (r.json as { id?: unknown } | null)?.id;
  if (r.response.status === 200 && typeof id === "string" && id) {
    await media.remember(input.publicationId, hash, `video:${id}`);
    return { kind: "published", remoteId: id, remoteUrl: `https://www.facebook.com/${pageId}/videos/${id}` };
  }
  // Refused (4xx): nothing was published, and a retry may send the handle again without looking.
  // A 5xx may have created the video: it stays "posting", and the retry looks first.
  if (r.response.status < 500) await media.remember(input.publicationId, hash, `handle:${handle}`);
  return graphError(r.response.status, r.json, r.body, r.response.headers, deps.now());
}

/** The page's video with this description among its latest (after a publish call whose outcome is unknown). */
async function findVideo(input: PublishInput, deps: AdapterDeps, pageId: string): Promise<string | null | undefined> {
  const q = new URLSearchParams({ fields: "id,description,created_time", limit: "25", access_token: input.channel.credentials.accessToken ?? "" });
  const r = await httpCall(deps.fetch, `${graphBase(input.channel)}/${encodeURIComponent(pageId)}/videos?${q.toString()}`, {}, deps.timeoutMs);
  if (!r.ok || r.response.status !== 200) return undefined;
  const description = videoDescription(input).trim();
  return ((r.json as { data?: { id: string; description?: string }[] } | null)?.data ?? []).find((v) => (v.description ?? "").trim() === description)?.id ?? null;
}

/** Facebook Pages, POST /{page-id}/feed. Error 506 (duplicate post) is read as "already posted". */
export const facebookAdapter: ChannelAdapter = {
  network: "facebook",
  carriesVisuals: true,
  carriesVideos: true,
  /** Photos only: a page video is published by its own upload, so it waits for the minute. */
  async stageMedia(input, deps) {
    if (input.replyTo || input.visuals?.some((v) => v.kind === "video")) return { ok: true };
    const photos = await uploadPhotos(input, deps, input.channel.credentials.pageId ?? input.channel.handle);
    return photos.ok ? { ok: true } : photos;
  },
  async publish(input, deps) {
    if (input.replyTo) {
      // An answer to a comment: POST /{comment-id}/comments, a reply in its thread.
      const form = new URLSearchParams({ message: input.text, access_token: input.channel.credentials.accessToken ?? "" });
      const r = await httpCall(deps.fetch, `${graphBase(input.channel)}/${encodeURIComponent(input.replyTo.remoteId)}/comments`, { method: "POST", body: form }, deps.timeoutMs);
      if (!r.ok) return withoutResponse(r);
      const id = (r.json as { id?: string } | null)?.id;
      if (r.response.status === 200 && id) return { kind: "published", remoteId: id, remoteUrl: `https://www.facebook.com/${id}` };
      return graphError(r.response.status, r.json, r.body, r.response.headers, deps.now());
    }
    const pageId = input.channel.credentials.pageId ?? input.channel.handle;
    const video = input.visuals?.find((v) => v.kind === "video");
    if (video) return await publishVideo(input, deps, pageId, video.hash);
    const message = composeBody("facebook", input.text, input.link);
    const photos = await uploadPhotos(input, deps, pageId);
    if (!photos.ok) return photos.outcome;
    const form = new URLSearchParams({ message, access_token: input.channel.credentials.accessToken ?? "" });
    if (input.link && photos.ids.length === 0) form.set("link", input.link);
    photos.ids.forEach((id, i) => form.set(`attached_media[${i}]`, JSON.stringify({ media_fbid: id })));
    const r = await httpCall(deps.fetch, `${(input.channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "")}/${encodeURIComponent(pageId)}/feed`, { method: "POST", body: form }, deps.timeoutMs);
    if (!r.ok) return withoutResponse(r);
    const status = r.response.status;
    const j = r.json as { id?: string; error?: { code?: number; error_subcode?: number } } | null;
    const detail = errorText(r.json, r.body, `HTTP ${status}`);
    if (status === 200 && j?.id) return { kind: "published", remoteId: j.id, remoteUrl: `https://www.facebook.com/${j.id}` };
    const code = j?.error?.code;
    if (code === 506) {
      // "Duplicate post": already on the page. It is looked up among the page's latest posts.
      const base = (input.channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
      const q = new URLSearchParams({ fields: "id,message", limit: "25", access_token: input.channel.credentials.accessToken ?? "" });
      const list = await httpCall(deps.fetch, `${base}/${encodeURIComponent(pageId)}/published_posts?${q.toString()}`, {}, deps.timeoutMs);
      const posts = list.ok && list.response.status === 200 ? ((list.json as { data?: { id: string; message?: string }[] } | null)?.data ?? []) : [];
      const found = posts.find((p) => (p.message ?? "").trim() === message.trim());
      return { kind: "published", remoteId: found?.id ?? null, remoteUrl: `https://www.facebook.com/${found?.id ?? pageId}` } satisfies PublishOutcome;
    }
    if (code === 190 || code === 102) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
    if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) return { kind: "failed", code: "permission", detail, reconnect: true };
    if (code === 4 || code === 17 || code === 32 || code === 613 || code === 341 || code === 80001 || status === 429)
      return { kind: "retry", code: "rate_limited", detail, notBefore: regainAt(r.response.headers, deps.now()) };
    if (code === 1 || code === 2 || code === 368 || status >= 500) return { kind: "retry", code: "network.server", detail };
    return { kind: "failed", code: "validation", detail };
  },
  /**
   * Meta keeps no idempotency key. After an answer whose outcome is unknown, the page's own reply
   * with the same text under the comment proves it went out; its absence proves nothing (the read
   * may lag), so the answer stays unconfirmed for a person to check.
   */
  async check(input, deps) {
    const video = input.visuals?.find((v) => v.kind === "video");
    if (video && !input.replyTo) {
      const pageId = input.channel.credentials.pageId ?? input.channel.handle;
      const known = deps.media ? (await deps.media.uploaded(input.publicationId))[video.hash] : undefined;
      if (known?.id.startsWith("video:")) return { kind: "published", remoteId: known.id.slice(6), remoteUrl: `https://www.facebook.com/${pageId}/videos/${known.id.slice(6)}` };
      // Until the publish call started, nothing could have been published.
      if (!known?.id.startsWith("posting:")) return { kind: "absent" };
      const id = await findVideo(input, deps, pageId);
      return id ? { kind: "published", remoteId: id, remoteUrl: `https://www.facebook.com/${pageId}/videos/${id}` } : { kind: "unknown" };
    }
    if (!input.replyTo) return { kind: "unknown" };
    const found = await findAnswer(input, deps);
    return found ? { kind: "published", remoteId: found.id, remoteUrl: `https://www.facebook.com/${found.id}` } : { kind: "unknown" };
  },
  collect(channel, position, deps, options) {
    return collectComments(channel, position, deps, options);
  },
  metricsBatch: 50,
  readMetrics(channel, remoteIds, deps) {
    return readFacebookMetrics(channel, remoteIds, deps);
  },
  async testConnection(channel, deps) {
    const pageId = channel.credentials.pageId ?? channel.handle;
    const r = await httpCall(
      deps.fetch,
      `${(channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "")}/${encodeURIComponent(pageId)}?fields=name&access_token=${encodeURIComponent(channel.credentials.accessToken ?? "")}`,
      {},
      deps.timeoutMs,
    );
    if (!r.ok) return { ok: false, code: r.code, detail: r.detail };
    if (r.response.status === 200) return { ok: true, account: String((r.json as { name?: string } | null)?.name ?? pageId) };
    return { ok: false, code: "auth.invalid", detail: errorText(r.json, r.body, `HTTP ${r.response.status}`) };
  },
};
