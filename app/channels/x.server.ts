import { composeBody } from "../domain/channel-text";
import { errorText, httpCall, withoutResponse } from "./http.server";
import { NETWORK_MEDIA_RULES } from "../domain/network-media";
import { uploadImagesOnce } from "./media-upload.server";
import { refreshWithToken } from "./oauth-refresh.server";
import { countOf, latest, parseResetHeader, refusedMetricsRead, type AdapterChannel, type AdapterDeps, type ChannelAdapter, type IncomingMessage, type PostMetrics, type PublishInput, type PublishOutcome } from "./types";

const DEFAULT_BASE = "https://api.x.com";

function resetOf(headers: Headers, now: Date): Date | undefined {
  return latest(
    parseResetHeader(headers.get("x-rate-limit-reset"), "epoch", now),
    headers.get("x-user-limit-24hour-remaining") === "0" ? parseResetHeader(headers.get("x-user-limit-24hour-reset"), "epoch", now) : undefined,
    headers.get("x-app-limit-24hour-remaining") === "0" ? parseResetHeader(headers.get("x-app-limit-24hour-reset"), "epoch", now) : undefined,
  );
}

/** Text as X keeps it: links become t.co links, so posts are compared without them. */
function withoutLinks(text: string): string {
  return text.replace(/https?:\/\/\S+/g, "").replace(/\s+/g, " ").trim();
}

/**
 * X said "duplicate content": the post is already on the account. It is looked up among the
 * account's latest posts (GET /2/users/:id/tweets) to link to it; if not found, the account is linked.
 */
async function findExisting(channel: AdapterChannel, text: string, deps: AdapterDeps): Promise<PublishOutcome> {
  const base = (channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${channel.credentials.accessToken ?? ""}` };
  const fallback: PublishOutcome = { kind: "published", remoteId: null, remoteUrl: `https://x.com/${channel.handle.replace(/^@/, "")}` };
  const me = await httpCall(deps.fetch, `${base}/2/users/me`, { headers }, deps.timeoutMs);
  const userId = me.ok && me.response.status === 200 ? (me.json as { data?: { id?: string } } | null)?.data?.id : undefined;
  if (!userId) return fallback;
  const list = await httpCall(deps.fetch, `${base}/2/users/${encodeURIComponent(userId)}/tweets?max_results=20`, { headers }, deps.timeoutMs);
  const posts = list.ok && list.response.status === 200 ? ((list.json as { data?: { id: string; text: string }[] } | null)?.data ?? []) : [];
  const found = posts.find((p) => withoutLinks(p.text) === withoutLinks(text));
  return found ? { kind: "published", remoteId: found.id, remoteUrl: `https://x.com/${channel.handle.replace(/^@/, "") || "i/web"}/status/${found.id}` } : fallback;
}

function replyText(handle: string, text: string): string {
  const mention = `@${handle.replace(/^@/, "")}`;
  return text.includes(mention) ? text : `${mention} ${text}`;
}

/** X keeps unattached media for 24 hours (expires_after_secs): reused by a retry within 20. */
const MEDIA_REUSE_MS = 20 * 3600_000;

/** A media call's refusal, read like a post's. */
function mediaRefusal(status: number, detail: string, headers: Headers, now: Date): PublishOutcome {
  if (status === 401) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
  if (status === 402) return { kind: "failed", code: "credits_depleted", detail };
  if (status === 403) return { kind: "failed", code: "permission", detail, reconnect: true };
  if (status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: resetOf(headers, now) };
  if (status >= 500) return { kind: "retry", code: "network.server", detail };
  return { kind: "failed", code: "validation", detail };
}

/**
 * Each image: POST /2/media/upload (multipart: media, media_category=tweet_image, media_type),
 * then its alt text with POST /2/media/metadata ({id, metadata: {alt_text: {text}}}, 1,000
 * characters at most). The id is remembered once both are done.
 */
async function uploadImages(input: PublishInput, deps: AdapterDeps) {
  const base = (input.channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
  const authorization = `Bearer ${input.channel.credentials.accessToken ?? ""}`;
  return await uploadImagesOnce(input, deps, { reuseMs: MEDIA_REUSE_MS, rules: NETWORK_MEDIA_RULES.x }, async (v, image) => {
    const form = new FormData();
    form.append("media", new Blob([new Uint8Array(image.bytes)], { type: image.contentType }), "image");
    form.append("media_category", "tweet_image");
    form.append("media_type", image.contentType);
    const up = await httpCall(deps.fetch, `${base}/2/media/upload`, { method: "POST", headers: { authorization }, body: form }, deps.timeoutMs);
    // An upload lost on the way is at most an unattached file that X forgets: safe to send again.
    if (!up.ok) return { ok: false, outcome: { kind: "retry", code: up.code, detail: up.detail } };
    const id = (up.json as { data?: { id?: string } } | null)?.data?.id;
    if (up.response.status !== 200 && up.response.status !== 201) return { ok: false, outcome: mediaRefusal(up.response.status, errorText(up.json, up.body, `HTTP ${up.response.status}`), up.response.headers, deps.now()) };
    if (!id) return { ok: false, outcome: { kind: "retry", code: "network.server", detail: "media without an id" } };
    const meta = await httpCall(
      deps.fetch,
      `${base}/2/media/metadata`,
      { method: "POST", headers: { authorization, "content-type": "application/json" }, body: JSON.stringify({ id, metadata: { alt_text: { text: v.alt.slice(0, 1000) } } }) },
      deps.timeoutMs,
    );
    if (!meta.ok) return { ok: false, outcome: { kind: "retry", code: meta.code, detail: meta.detail } };
    if (meta.response.status !== 200 && meta.response.status !== 201) return { ok: false, outcome: mediaRefusal(meta.response.status, errorText(meta.json, meta.body, `HTTP ${meta.response.status}`), meta.response.headers, deps.now()) };
    return { ok: true, id };
  });
}

/** X takes a video's bytes in chunks of at most 5 MB; 4 MiB leaves room for the multipart framing. */
const VIDEO_CHUNK = 4 * 1024 * 1024;
const STATUS_POLLS = 30;

/**
 * A video through the chunked upload: POST /2/media/upload/initialize (media_type, total_bytes,
 * media_category=tweet_video), then each chunk to /2/media/upload/{id}/append (multipart media and
 * segment_index) streamed from the library (never the whole video in memory), then
 * /2/media/upload/{id}/finalize; while X answers processing_info "pending" or "in_progress",
 * GET /2/media/upload?command=STATUS after its check_after_secs. The id is remembered once the
 * video is ready and reused by a retry within 20 hours.
 */
async function uploadVideo(input: PublishInput, deps: AdapterDeps, visual: { hash: string }): Promise<{ ok: true; ids: string[] } | { ok: false; outcome: PublishOutcome }> {
  if (!deps.media) return { ok: false, outcome: { kind: "failed", code: "config", detail: "no media library" } };
  const known = (await deps.media.uploaded(input.publicationId))[visual.hash];
  if (known && deps.now().getTime() - Date.parse(known.at) < MEDIA_REUSE_MS) return { ok: true, ids: [known.id] };
  const base = (input.channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
  const authorization = `Bearer ${input.channel.credentials.accessToken ?? ""}`;
  const file = await deps.media.open(visual.hash, 0);
  if (!file) return { ok: false, outcome: { kind: "failed", code: "validation", detail: `media file ${visual.hash} is missing` } };
  const refused = (r: Extract<Awaited<ReturnType<typeof httpCall>>, { ok: true }>) => ({ ok: false as const, outcome: mediaRefusal(r.response.status, errorText(r.json, r.body, `HTTP ${r.response.status}`), r.response.headers, deps.now()) });
  try {
    const init = await httpCall(
      deps.fetch,
      `${base}/2/media/upload/initialize`,
      { method: "POST", headers: { authorization, "content-type": "application/json" }, body: JSON.stringify({ media_type: file.contentType, total_bytes: file.size, media_category: "tweet_video" }) },
      deps.timeoutMs,
    );
    if (!init.ok) return { ok: false, outcome: { kind: "retry", code: init.code, detail: init.detail } };
    const id = (init.json as { data?: { id?: string } } | null)?.data?.id;
    if (init.response.status >= 300) return refused(init);
    if (!id) return { ok: false, outcome: { kind: "retry", code: "network.server", detail: "media without an id" } };
    let segment = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const send = async (chunk: Buffer) => {
      const form = new FormData();
      form.append("media", new Blob([new Uint8Array(chunk)], { type: "application/octet-stream" }), "chunk");
      form.append("segment_index", String(segment++));
      return await httpCall(deps.fetch, `${base}/2/media/upload/${encodeURIComponent(id)}/append`, { method: "POST", headers: { authorization }, body: form }, deps.timeoutMs * 3);
    };
    for await (const piece of file.body as AsyncIterable<Buffer>) {
      pending.push(piece);
      pendingBytes += piece.length;
      while (pendingBytes >= VIDEO_CHUNK) {
        const all = Buffer.concat(pending);
        const r = await send(all.subarray(0, VIDEO_CHUNK));
        if (!r.ok) return { ok: false, outcome: { kind: "retry", code: r.code, detail: r.detail } };
        if (r.response.status >= 300) return refused(r);
        pending = [all.subarray(VIDEO_CHUNK)];
        pendingBytes = pending[0]!.length;
      }
    }
    if (pendingBytes > 0) {
      const r = await send(Buffer.concat(pending));
      if (!r.ok) return { ok: false, outcome: { kind: "retry", code: r.code, detail: r.detail } };
      if (r.response.status >= 300) return refused(r);
    }
    const done = await httpCall(deps.fetch, `${base}/2/media/upload/${encodeURIComponent(id)}/finalize`, { method: "POST", headers: { authorization } }, deps.timeoutMs);
    if (!done.ok) return { ok: false, outcome: { kind: "retry", code: done.code, detail: done.detail } };
    if (done.response.status >= 300) return refused(done);
    let info = (done.json as { data?: { processing_info?: { state?: string; check_after_secs?: number } } } | null)?.data?.processing_info;
    for (let poll = 0; info && (info.state === "pending" || info.state === "in_progress"); poll++) {
      if (poll >= STATUS_POLLS) return { ok: false, outcome: { kind: "retry", code: "network.server", detail: "X is still processing the video" } };
      await new Promise((resolve) => setTimeout(resolve, Math.min(10, Math.max(0.05, info?.check_after_secs ?? 1)) * 1000));
      const status = await httpCall(deps.fetch, `${base}/2/media/upload?command=STATUS&media_id=${encodeURIComponent(id)}`, { headers: { authorization } }, deps.timeoutMs);
      if (!status.ok) return { ok: false, outcome: { kind: "retry", code: status.code, detail: status.detail } };
      if (status.response.status >= 300) return refused(status);
      info = (status.json as { data?: { processing_info?: { state?: string; check_after_secs?: number } } } | null)?.data?.processing_info;
    }
    if (info?.state === "failed") return { ok: false, outcome: { kind: "failed", code: "validation", detail: "X could not process the video" } };
    await deps.media.remember(input.publicationId, visual.hash, id);
    return { ok: true, ids: [id] };
  } finally {
    file.body.destroy();
  }
}

/** Each channel's X account id, read once from /2/users/me. */
const accountIds = new Map<string, string>();

/**
 * X API v2, POST /2/tweets. X has no idempotency key; its only protection is the 403
 * duplicate-content answer, read as "already posted" (X does not say which post: the link goes to
 * the account). Only that makes a second call after an unknown outcome safe.
 */
export const xAdapter: ChannelAdapter = {
  network: "x",
  carriesVisuals: true,
  carriesVideos: true,
  async stageMedia(input, deps) {
    if (input.replyTo) return { ok: true };
    const video = input.visuals?.find((v) => v.kind === "video");
    const media = video ? await uploadVideo(input, deps, video) : await uploadImages(input, deps);
    return media.ok ? { ok: true } : media;
  },
  async publish(input, deps) {
    const url = `${(input.channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "")}/2/tweets`;
    const text = composeBody("x", input.text, input.link);
    const video = input.visuals?.find((v) => v.kind === "video");
    const media = input.replyTo ? ({ ok: true, ids: [] } as const) : video ? await uploadVideo(input, deps, video) : await uploadImages(input, deps);
    if (!media.ok) return media.outcome;
    const r = await httpCall(
      deps.fetch,
      url,
      {
        method: "POST",
        headers: { authorization: `Bearer ${input.channel.credentials.accessToken ?? ""}`, "content-type": "application/json" },
        // An answer to a citizen goes in the thread of their post, addressed to them: the same
        // reference answer to two citizens is then two texts, never X's "duplicate content".
        body: JSON.stringify(
          input.replyTo ? { text: replyText(input.replyTo.authorHandle, input.text), reply: { in_reply_to_tweet_id: input.replyTo.remoteId } } : { text, ...(media.ids.length > 0 ? { media: { media_ids: media.ids } } : {}) },
        ),
      },
      deps.timeoutMs,
    );
    if (!r.ok) return withoutResponse(r);
    const { response, json, body } = r;
    const status = response.status;
    const detail = errorText(json, body, `HTTP ${status}`);
    if (status === 201 || status === 200) {
      const id = (json as { data?: { id?: string } } | null)?.data?.id ?? null;
      return { kind: "published", remoteId: id, remoteUrl: id ? `https://x.com/${input.channel.handle.replace(/^@/, "") || "i/web"}/status/${id}` : null };
    }
    if (status === 401) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
    if (status === 402) return { kind: "failed", code: "credits_depleted", detail };
    if (status === 403 && /duplicate/i.test(detail)) return await findExisting(input.channel, input.replyTo ? replyText(input.replyTo.authorHandle, input.text) : text, deps);
    if (status === 403) return { kind: "failed", code: "permission", detail };
    if (status === 429) {
      const capped = /usage-capped/i.test(String((json as { type?: string } | null)?.type ?? ""));
      return capped ? { kind: "failed", code: "credits_depleted", detail } : { kind: "retry", code: "rate_limited", detail, notBefore: resetOf(response.headers, deps.now()) };
    }
    // A 5xx may or may not have posted: sending again is safe, since X answers a second identical
    // text with its duplicate-content error, read above as "already posted".
    if (status >= 500) return { kind: "retry", code: "network.server", detail };
    return { kind: "failed", code: "validation", detail };
  },
  /**
   * Mentions: GET /2/users/:id/mentions (the account's id from /2/users/me, remembered). The
   * position is the newest post id read; a round asks for those since it (since_id), newest first,
   * following next_token, and keeps nothing if it is cut short (it would leave a gap). The first
   * round reads one page.
   */
  async collect(channel, position, deps, options) {
    const base = (channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
    const headers = { authorization: `Bearer ${channel.credentials.accessToken ?? ""}` };
    let userId = accountIds.get(channel.id);
    if (!userId) {
      const me = await httpCall(deps.fetch, `${base}/2/users/me`, { headers }, deps.timeoutMs);
      if (!me.ok) return { kind: "retry", code: me.code, detail: me.detail };
      if (me.response.status === 401) return { kind: "failed", code: "auth.invalid", detail: errorText(me.json, me.body, "HTTP 401"), reconnect: true };
      if (me.response.status === 429) return { kind: "retry", code: "rate_limited", detail: "HTTP 429", notBefore: resetOf(me.response.headers, deps.now()) };
      userId = (me.json as { data?: { id?: string } } | null)?.data?.id;
      if (!userId) return { kind: "retry", code: "network.server", detail: errorText(me.json, me.body, `HTTP ${me.response.status}`) };
      accountIds.set(channel.id, userId);
    }
    const found: IncomingMessage[] = [];
    let newest: string | null = null;
    let token: string | undefined;
    for (let page = 0; page < options.maxPages; page++) {
      const q = new URLSearchParams({
        max_results: String(Math.min(100, Math.max(5, options.pageSize))),
        expansions: "author_id",
        "tweet.fields": "created_at,author_id,conversation_id,referenced_tweets",
        "user.fields": "username",
      });
      if (position) q.set("since_id", position);
      if (token) q.set("pagination_token", token);
      const r = await httpCall(deps.fetch, `${base}/2/users/${encodeURIComponent(userId)}/mentions?${q.toString()}`, { headers }, deps.timeoutMs);
      if (!r.ok) return { kind: "retry", code: r.code, detail: r.detail };
      const status = r.response.status;
      const detail = errorText(r.json, r.body, `HTTP ${status}`);
      if (status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: resetOf(r.response.headers, deps.now()) };
      if (status === 401) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
      if (status === 403) return { kind: "failed", code: "permission", detail };
      if (status !== 200) return { kind: "retry", code: "network.server", detail };
      const body = r.json as {
        data?: { id: string; text: string; author_id?: string; created_at?: string; referenced_tweets?: { type: string; id: string }[] }[];
        includes?: { users?: { id: string; username: string }[] };
        meta?: { newest_id?: string; next_token?: string };
      } | null;
      const users = new Map((body?.includes?.users ?? []).map((u) => [u.id, u.username]));
      newest ??= body?.meta?.newest_id ?? body?.data?.[0]?.id ?? null;
      for (const post of body?.data ?? []) {
        found.push({
          remoteId: post.id,
          remoteCid: null,
          rootRemoteId: null,
          rootRemoteCid: null,
          inReplyToRemoteId: post.referenced_tweets?.find((r) => r.type === "replied_to")?.id ?? null,
          authorHandle: users.get(post.author_id ?? "") ?? post.author_id ?? "unknown",
          text: post.text,
          writtenAt: new Date(post.created_at ?? deps.now().toISOString()),
          visibility: null,
        });
      }
      token = body?.meta?.next_token;
      if (!position || !token) break;
    }
    found.reverse();
    return { kind: "ok", messages: found, position: newest ?? position };
  },
  metricsBatch: 100,
  /**
   * GET /2/tweets?ids=… (100 at most) with tweet.fields=public_metrics: likes, reposts, replies,
   * quotes and impressions (impression_count, shown to everyone since 2022). A deleted post comes
   * back in `errors` as a resource-not-found: "gone". The 15-minute and 24-hour limits of the
   * answer's headers are kept.
   */
  async readMetrics(channel, remoteIds, deps) {
    const base = (channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
    const q = new URLSearchParams({ ids: remoteIds.join(","), "tweet.fields": "public_metrics" });
    const r = await httpCall(deps.fetch, `${base}/2/tweets?${q.toString()}`, { headers: { authorization: `Bearer ${channel.credentials.accessToken ?? ""}` } }, deps.timeoutMs);
    if (!r.ok) return { kind: "retry", code: r.code, detail: r.detail };
    const status = r.response.status;
    if (status !== 200) return refusedMetricsRead(status, errorText(r.json, r.body, `HTTP ${status}`), resetOf(r.response.headers, deps.now()));
    const j = r.json as { data?: { id?: string; public_metrics?: Record<string, unknown> }[]; errors?: { resource_id?: string; value?: string }[] } | null;
    const metrics = new Map<string, PostMetrics | "gone">();
    for (const t of j?.data ?? []) {
      const m = t.public_metrics ?? {};
      if (t.id) metrics.set(t.id, { likes: countOf(m.like_count), reposts: countOf(m.retweet_count), replies: countOf(m.reply_count), quotes: countOf(m.quote_count), impressions: countOf(m.impression_count), views: null });
    }
    for (const e of j?.errors ?? []) {
      const id = e.resource_id ?? e.value;
      if (id && !metrics.has(id)) metrics.set(id, "gone");
    }
    const spent = r.response.headers.get("x-rate-limit-remaining") === "0" || r.response.headers.get("x-user-limit-24hour-remaining") === "0";
    return { kind: "ok", metrics, notBefore: spent ? resetOf(r.response.headers, deps.now()) : undefined };
  },
  /** OAuth 2.0 tokens last two hours; the refresh token (scope offline.access) rotates. */
  refresh(channel, deps) {
    return refreshWithToken(channel, deps, `${(channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "")}/2/oauth2/token`, "basic");
  },
  async testConnection(channel, deps) {
    const r = await httpCall(deps.fetch, `${(channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "")}/2/users/me`, { headers: { authorization: `Bearer ${channel.credentials.accessToken ?? ""}` } }, deps.timeoutMs);
    if (!r.ok) return { ok: false, code: r.code, detail: r.detail };
    if (r.response.status === 200) return { ok: true, account: String((r.json as { data?: { username?: string } } | null)?.data?.username ?? channel.handle) };
    return { ok: false, code: r.response.status === 401 ? "auth.invalid" : "network.server", detail: errorText(r.json, r.body, `HTTP ${r.response.status}`) };
  },
};
