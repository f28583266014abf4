import { composeBody, videoTitle } from "../domain/channel-text";
import { NETWORK_MEDIA_RULES } from "../domain/network-media";
import { uploadImagesOnce } from "./media-upload.server";
import { errorText, httpCall, withoutResponse } from "./http.server";
import { refreshWithToken } from "./oauth-refresh.server";
import { countOf, type AdapterChannel, type AdapterDeps, type ChannelAdapter, type CollectOptions, type CollectOutcome, type IncomingMessage, type MetricsOutcome, type PostMetrics, type PublishInput, type PublishOutcome } from "./types";

const DEFAULT_BASE = "https://api.linkedin.com";
export const LINKEDIN_VERSION = "202603";

/** The next 00:00 UTC: LinkedIn's daily limits reset then. */
function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

function base(channel: AdapterChannel): string {
  return (channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
}

function headersOf(channel: AdapterChannel): Record<string, string> {
  return {
    authorization: `Bearer ${channel.credentials.accessToken ?? ""}`,
    "linkedin-version": channel.credentials.version ?? LINKEDIN_VERSION,
    "x-restli-protocol-version": "2.0.0",
  };
}

/** What an HTTP status from the REST API means for a read or an answer. */
function refusal(status: number, detail: string, now: Date): Exclude<PublishOutcome, { kind: "published" }> {
  if (status === 401) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
  if (status === 403) return { kind: "failed", code: "permission", detail, reconnect: true };
  if (status === 426) return { kind: "failed", code: "config", detail };
  if (status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: nextUtcMidnight(now) };
  if (status >= 500) return { kind: "retry", code: "network.server", detail };
  return { kind: "failed", code: "validation", detail };
}

/**
 * The organisation's share statistics for named posts (GET /rest/organizationalEntityShareStatistics
 * with q=organizationalEntity and shares=List(…) or ugcPosts=List(…)): impressions, reactions,
 * comments and reposts, organic only, lifetime. LinkedIn answers only for posts of the last 12
 * months; a post it leaves out is "gone".
 */
async function readLinkedInMetrics(channel: AdapterChannel, remoteIds: readonly string[], deps: AdapterDeps): Promise<MetricsOutcome> {
  const organisation = channel.credentials.author ?? channel.handle;
  const list = (urns: readonly string[]) => `List(${urns.map((u) => encodeURIComponent(u)).join(",")})`;
  const shares = remoteIds.filter((u) => u.startsWith("urn:li:share:"));
  const ugcPosts = remoteIds.filter((u) => u.startsWith("urn:li:ugcPost:"));
  const metrics = new Map<string, PostMetrics | "gone">();
  for (const id of remoteIds) if (!id.startsWith("urn:li:share:") && !id.startsWith("urn:li:ugcPost:")) metrics.set(id, "gone");
  let query = `q=organizationalEntity&organizationalEntity=${encodeURIComponent(organisation)}`;
  if (shares.length > 0) query += `&shares=${list(shares)}`;
  if (ugcPosts.length > 0) query += `&ugcPosts=${list(ugcPosts)}`;
  if (shares.length + ugcPosts.length === 0) return { kind: "ok", metrics };
  const r = await httpCall(deps.fetch, `${base(channel)}/rest/organizationalEntityShareStatistics?${query}`, { headers: headersOf(channel) }, deps.timeoutMs);
  if (!r.ok) return { kind: "retry", code: r.code, detail: r.detail };
  const status = r.response.status;
  if (status !== 200) {
    const refused = refusal(status, errorText(r.json, r.body, `HTTP ${status}`), deps.now());
    return refused.kind === "unknown" ? { kind: "retry", code: refused.code, detail: refused.detail } : refused;
  }
  type Element = { share?: string; ugcPost?: string; totalShareStatistics?: Record<string, unknown> };
  for (const e of (r.json as { elements?: Element[] } | null)?.elements ?? []) {
    const id = e.share ?? e.ugcPost;
    const t = e.totalShareStatistics ?? {};
    if (id) metrics.set(id, { likes: countOf(t.likeCount), reposts: countOf(t.shareCount), replies: countOf(t.commentCount), quotes: null, impressions: countOf(t.impressionCount), views: null });
  }
  for (const id of [...shares, ...ugcPosts]) if (!metrics.has(id)) metrics.set(id, "gone");
  return { kind: "ok", metrics };
}

interface LinkedInComment {
  id?: string;
  commentUrn?: string;
  actor?: string;
  object?: string;
  parentComment?: string;
  message?: { text?: string };
  created?: { time?: number };
  commentsSummary?: { aggregatedTotalComments?: number; totalFirstLevelComments?: number };
}

type PageRead = { ok: true; elements: LinkedInComment[] } | { ok: false; outcome: Exclude<CollectOutcome, { kind: "ok" }> } | { ok: true; gone: true; elements: [] };

/** Every comment on a post or a comment: start/count paging until `total`, at most maxPages pages. */
async function readComments(channel: AdapterChannel, urn: string, deps: AdapterDeps, options: CollectOptions): Promise<PageRead> {
  const elements: LinkedInComment[] = [];
  const count = Math.min(100, options.pageSize);
  for (let page = 0, start = 0; page < options.maxPages; page++, start += count) {
    const r = await httpCall(deps.fetch, `${base(channel)}/rest/socialActions/${encodeURIComponent(urn)}/comments?start=${start}&count=${count}`, { headers: headersOf(channel) }, deps.timeoutMs);
    if (!r.ok) return { ok: false, outcome: { kind: "retry", code: r.code, detail: r.detail } };
    const status = r.response.status;
    // A post removed from the page has no comments to read.
    if (status === 404) return { ok: true, gone: true, elements: [] };
    if (status !== 200) {
      const o = refusal(status, errorText(r.json, r.body, `HTTP ${status}`), deps.now());
      return { ok: false, outcome: o.kind === "retry" ? o : { kind: "failed", code: o.code, detail: o.detail, reconnect: o.kind === "failed" ? o.reconnect : undefined } };
    }
    const body = r.json as { elements?: LinkedInComment[]; paging?: { total?: number } } | null;
    const got = body?.elements ?? [];
    elements.push(...got);
    if (got.length < count || (body?.paging?.total !== undefined && start + count >= body.paging.total)) break;
  }
  return { ok: true, elements };
}

/**
 * Comments on the organisation's recent posts and the replies under them (LinkedIn does not say
 * in which order it lists them: every page is read and filtered by creation time). The position
 * is the newest creation time read, in milliseconds; comments at that very millisecond are read
 * again and dropped by their unique key. The organisation's own comments are left out.
 */
async function collectComments(channel: AdapterChannel, position: string | null, deps: AdapterDeps, options: CollectOptions): Promise<CollectOutcome> {
  const since = position && /^\d+$/.test(position) ? Number(position) : null;
  const organisation = channel.credentials.author ?? channel.handle;
  const messages: IncomingMessage[] = [];
  let newest = since;
  const take = (c: LinkedInComment, postUrn: string) => {
    const time = c.created?.time;
    if (!c.commentUrn || typeof time !== "number") return;
    if (newest === null || time > newest) newest = time;
    if ((since !== null && time < since) || c.actor === organisation) return;
    messages.push({
      remoteId: c.commentUrn,
      remoteCid: null,
      rootRemoteId: postUrn,
      rootRemoteCid: null,
      inReplyToRemoteId: c.parentComment ?? postUrn,
      authorHandle: c.actor ?? `linkedin-${c.id ?? c.commentUrn}`,
      text: c.message?.text ?? "",
      writtenAt: new Date(time),
      visibility: null,
    });
  };
  for (const postUrn of options.recentPosts) {
    const top = await readComments(channel, postUrn, deps, options);
    if (!top.ok) return top.outcome;
    for (const c of top.elements) {
      take(c, postUrn);
      if (c.commentUrn && (c.commentsSummary?.aggregatedTotalComments ?? 0) > 0) {
        const replies = await readComments(channel, c.commentUrn, deps, options);
        if (!replies.ok) return replies.outcome;
        for (const reply of replies.elements) take(reply, postUrn);
      }
    }
  }
  messages.sort((a, b) => a.writtenAt.getTime() - b.writtenAt.getTime());
  return { kind: "ok", messages, position: newest === null ? position : String(newest) };
}

/** The organisation's answer to a comment: POST /rest/socialActions/{comment URN}/comments. */
async function answer(input: PublishInput, deps: AdapterDeps): Promise<PublishOutcome> {
  const reply = input.replyTo!;
  const body = { actor: input.channel.credentials.author ?? input.channel.handle, object: reply.rootRemoteId ?? reply.remoteId, message: { text: input.text }, parentComment: reply.remoteId };
  const r = await httpCall(
    deps.fetch,
    `${base(input.channel)}/rest/socialActions/${encodeURIComponent(reply.remoteId)}/comments`,
    { method: "POST", headers: { ...headersOf(input.channel), "content-type": "application/json" }, body: JSON.stringify(body) },
    deps.timeoutMs,
  );
  if (!r.ok) return withoutResponse(r);
  const status = r.response.status;
  if (status === 201) {
    const urn = (r.json as { commentUrn?: string } | null)?.commentUrn ?? r.response.headers.get("x-restli-id");
    return { kind: "published", remoteId: urn, remoteUrl: null };
  }
  return refusal(status, errorText(r.json, r.body, `HTTP ${status}`), deps.now());
}

/** The headers of the REST API's calls for this channel. */
function restHeaders(input: PublishInput): Record<string, string> {
  return {
    authorization: `Bearer ${input.channel.credentials.accessToken ?? ""}`,
    "linkedin-version": input.channel.credentials.version ?? LINKEDIN_VERSION,
    "x-restli-protocol-version": "2.0.0",
    "content-type": "application/json",
  };
}

/** LinkedIn keeps an image uploaded for a post for a while; a retry within 20 hours reuses it. */
const IMAGE_REUSE_MS = 20 * 3600_000;

/**
 * Each image through the Images API: POST /rest/images?action=initializeUpload with the
 * organisation as owner gives an upload URL and the image's URN; the bytes are PUT there. The post
 * then names the URN (`content.media`, or `content.multiImage` for several) with its alt text.
 */
async function uploadImages(input: PublishInput, deps: AdapterDeps, headers: Record<string, string>) {
  const base = (input.channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
  return await uploadImagesOnce(input, deps, { reuseMs: IMAGE_REUSE_MS, rules: NETWORK_MEDIA_RULES.linkedin }, async (_v, image) => {
    const init = await httpCall(deps.fetch, `${base}/rest/images?action=initializeUpload`, { method: "POST", headers, body: JSON.stringify({ initializeUploadRequest: { owner: input.channel.credentials.author ?? input.channel.handle } }) }, deps.timeoutMs);
    if (!init.ok) return { ok: false, outcome: { kind: "retry", code: init.code, detail: init.detail } };
    const value = (init.json as { value?: { uploadUrl?: string; image?: string } } | null)?.value;
    if (init.response.status !== 200 || !value?.uploadUrl || !value.image) return { ok: false, outcome: refusal(init.response.status, errorText(init.json, init.body, `HTTP ${init.response.status}`), deps.now()) };
    const put = await httpCall(deps.fetch, value.uploadUrl, { method: "PUT", headers: { authorization: headers.authorization!, "content-type": image.contentType }, body: new Uint8Array(image.bytes) }, deps.timeoutMs);
    // An image never attached to a post is harmless: a retry uploads it again.
    if (!put.ok) return { ok: false, outcome: { kind: "retry", code: put.code, detail: put.detail } };
    if (put.response.status !== 200 && put.response.status !== 201) return { ok: false, outcome: refusal(put.response.status, errorText(put.json, put.body, `HTTP ${put.response.status}`), deps.now()) };
    return { ok: true, id: value.image };
  });
}

/** LinkedIn's parts: each upload instruction names a byte range (4 MiB parts). */
interface UploadInstruction {
  uploadUrl: string;
  firstByte: number;
  lastByte: number;
}

/** Polls of GET /rest/videos/{urn} while LinkedIn processes a video, before trying again later. */
const VIDEO_POLLS = 30;

/**
 * A video through the Videos API: POST /rest/videos?action=initializeUpload (owner, size) gives
 * the video's URN and one upload URL per part (byte ranges); each part is PUT streamed from the
 * library (never the whole video in memory) and answers with an ETag; finalizeUpload names the
 * parts' ETags in order. LinkedIn then processes the video (GET /rest/videos/{urn}: PROCESSING,
 * then AVAILABLE or PROCESSING_FAILED). The URN is remembered once finalized and reused by a retry
 * within 20 hours: a crash mid-upload leaves an unfinalized video that never reaches a post.
 */
async function uploadVideo(input: PublishInput, deps: AdapterDeps, headers: Record<string, string>, hash: string): Promise<{ ok: true; id: string } | { ok: false; outcome: PublishOutcome }> {
  const media = deps.media;
  if (!media) return { ok: false, outcome: { kind: "failed", code: "config", detail: "no media library" } };
  const root = base(input.channel);
  const known = (await media.uploaded(input.publicationId))[hash];
  let urn = known && deps.now().getTime() - Date.parse(known.at) < IMAGE_REUSE_MS ? known.id : null;
  const refused = (r: Extract<Awaited<ReturnType<typeof httpCall>>, { ok: true }>) => ({ ok: false as const, outcome: refusal(r.response.status, errorText(r.json, r.body, `HTTP ${r.response.status}`), deps.now()) });
  if (!urn) {
    const file = await media.open(hash, 0);
    if (!file) return { ok: false, outcome: { kind: "failed", code: "validation", detail: `media file ${hash} is missing` } };
    try {
      const init = await httpCall(
        deps.fetch,
        `${root}/rest/videos?action=initializeUpload`,
        { method: "POST", headers, body: JSON.stringify({ initializeUploadRequest: { owner: input.channel.credentials.author ?? input.channel.handle, fileSizeBytes: file.size, uploadCaptions: false, uploadThumbnail: false } }) },
        deps.timeoutMs,
      );
      if (!init.ok) return { ok: false, outcome: { kind: "retry", code: init.code, detail: init.detail } };
      const value = (init.json as { value?: { video?: string; uploadToken?: string; uploadInstructions?: UploadInstruction[] } } | null)?.value;
      if (init.response.status !== 200 || !value?.video || !value.uploadInstructions?.length) return refused(init);
      const parts = [...value.uploadInstructions].sort((a, b) => a.firstByte - b.firstByte);
      const etags: string[] = [];
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let next = 0;
      const put = async (bytes: Buffer, part: UploadInstruction) => {
        const r = await httpCall(deps.fetch, part.uploadUrl, { method: "PUT", headers: { authorization: headers.authorization!, "content-type": "application/octet-stream" }, body: new Uint8Array(bytes) }, deps.timeoutMs * 3);
        if (!r.ok) return { ok: false as const, outcome: { kind: "retry" as const, code: r.code, detail: r.detail } };
        const etag = r.response.headers.get("etag");
        if (r.response.status >= 300) return refused(r);
        if (!etag) return { ok: false as const, outcome: { kind: "retry" as const, code: "network.server" as const, detail: "a part was stored without an ETag" } };
        etags.push(etag);
        return null;
      };
      for await (const piece of file.body as AsyncIterable<Buffer>) {
        pending.push(piece);
        pendingBytes += piece.length;
        while (next < parts.length && pendingBytes >= parts[next]!.lastByte - parts[next]!.firstByte + 1) {
          const length = parts[next]!.lastByte - parts[next]!.firstByte + 1;
          const all = Buffer.concat(pending);
          const failed = await put(all.subarray(0, length), parts[next]!);
          if (failed) return failed;
          pending = [all.subarray(length)];
          pendingBytes = pending[0]!.length;
          next++;
        }
      }
      if (next < parts.length || pendingBytes > 0) return { ok: false, outcome: { kind: "failed", code: "validation", detail: "LinkedIn's upload parts do not cover the file" } };
      const done = await httpCall(deps.fetch, `${root}/rest/videos?action=finalizeUpload`, { method: "POST", headers, body: JSON.stringify({ finalizeUploadRequest: { video: value.video, uploadToken: value.uploadToken ?? "", uploadedPartIds: etags } }) }, deps.timeoutMs);
      if (!done.ok) return { ok: false, outcome: { kind: "retry", code: done.code, detail: done.detail } };
      if (done.response.status >= 300) return refused(done);
      urn = value.video;
      await media.remember(input.publicationId, hash, urn);
    } finally {
      file.body.destroy();
    }
  }
  for (let poll = 0; ; poll++) {
    const r = await httpCall(deps.fetch, `${root}/rest/videos/${encodeURIComponent(urn)}`, { headers }, deps.timeoutMs);
    if (!r.ok) return { ok: false, outcome: { kind: "retry", code: r.code, detail: r.detail } };
    if (r.response.status !== 200) return refused(r);
    const status = (r.json as { status?: string } | null)?.status;
    if (status === "AVAILABLE") return { ok: true, id: urn };
    if (status === "PROCESSING_FAILED") return { ok: false, outcome: { kind: "failed", code: "validation", detail: "LinkedIn could not process the video" } };
    if (poll >= VIDEO_POLLS) return { ok: false, outcome: { kind: "retry", code: "network.server", detail: "LinkedIn is still processing the video" } };
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** Math.min(poll, 6))));
  }
}

/**
 * LinkedIn Posts API for an organisation page. The commentary is in "little text format", its
 * reserved characters escaped. A 422 DUPLICATE_POST names the existing post: read as published.
 */
export const linkedinAdapter: ChannelAdapter = {
  network: "linkedin",
  carriesVisuals: true,
  carriesVideos: true,
  async stageMedia(input, deps) {
    if (input.replyTo) return { ok: true };
    const headers = restHeaders(input);
    const video = input.visuals?.find((v) => v.kind === "video");
    const media = video ? await uploadVideo(input, deps, headers, video.hash) : await uploadImages(input, deps, headers);
    return media.ok ? { ok: true } : media;
  },
  async publish(input, deps) {
    if (input.replyTo) return answer(input, deps);
    const headers = restHeaders(input);
    const video = input.visuals?.find((v) => v.kind === "video");
    const uploaded = video ? await uploadVideo(input, deps, headers, video.hash) : null;
    if (uploaded && !uploaded.ok) return uploaded.outcome;
    const images = video ? ({ ok: true, ids: [] } as const) : await uploadImages(input, deps, headers);
    if (!images.ok) return images.outcome;
    const alts = (input.visuals ?? []).map((v) => v.alt);
    const content = uploaded?.ok
      ? { media: { id: uploaded.id, title: videoTitle(input.text) } }
      : images.ids.length === 1
        ? { media: { id: images.ids[0], altText: alts[0] } }
        : images.ids.length > 1
          ? { multiImage: { images: images.ids.map((id, i) => ({ id, altText: alts[i] })) } }
          : undefined;
    const body = {
      author: input.channel.credentials.author ?? input.channel.handle,
      commentary: composeBody("linkedin", input.text, input.link),
      ...(content ? { content } : {}),
      visibility: "PUBLIC",
      distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: "PUBLISHED",
      isReshareDisabledByAuthor: false,
    };
    const r = await httpCall(deps.fetch, `${(input.channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "")}/rest/posts`, { method: "POST", headers, body: JSON.stringify(body) }, deps.timeoutMs);
    if (!r.ok) return withoutResponse(r);
    const status = r.response.status;
    const detail = errorText(r.json, r.body, `HTTP ${status}`);
    if (status === 201) {
      const urn = r.response.headers.get("x-restli-id");
      return { kind: "published", remoteId: urn, remoteUrl: urn ? `https://www.linkedin.com/feed/update/${urn}/` : null };
    }
    if (status === 422 && /DUPLICATE_POST|duplicate/i.test(r.body)) {
      const urn = /urn:li:(?:share|ugcPost):\d+/.exec(r.body)?.[0] ?? null;
      return { kind: "published", remoteId: urn, remoteUrl: urn ? `https://www.linkedin.com/feed/update/${urn}/` : null };
    }
    if (status === 401) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
    if (status === 403) return { kind: "failed", code: "permission", detail, reconnect: true };
    if (status === 426) return { kind: "failed", code: "config", detail };
    if (status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: nextUtcMidnight(deps.now()) };
    if (status >= 500) return { kind: "retry", code: "network.server", detail };
    return { kind: "failed", code: "validation", detail };
  },
  /**
   * LinkedIn keeps no idempotency key for comments. After an answer whose outcome is unknown, the
   * organisation's reply with the same text under the comment proves it went out; its absence
   * proves nothing, so the answer stays unconfirmed for a person to check.
   */
  async check(input, deps) {
    if (!input.replyTo) return { kind: "unknown" };
    const read = await readComments(input.channel, input.replyTo.remoteId, deps, { pageSize: 100, maxPages: 3, recentPosts: [] });
    const organisation = input.channel.credentials.author ?? input.channel.handle;
    const found = read.ok ? read.elements.find((c) => c.actor === organisation && (c.message?.text ?? "").trim() === input.text.trim()) : undefined;
    return found?.commentUrn ? { kind: "published", remoteId: found.commentUrn, remoteUrl: null } : { kind: "unknown" };
  },
  collect(channel, position, deps, options) {
    return collectComments(channel, position, deps, options);
  },
  /** Access tokens last 60 days; programmatic refresh tokens (approved partners) renew them. */
  refresh(channel, deps) {
    return refreshWithToken(channel, deps, channel.credentials.tokenUrl ?? "https://www.linkedin.com/oauth/v2/accessToken", "form");
  },
  metricsBatch: 20,
  readMetrics(channel, remoteIds, deps) {
    return readLinkedInMetrics(channel, remoteIds, deps);
  },
  async testConnection(channel, deps) {
    const r = await httpCall(
      deps.fetch,
      `${(channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "")}/rest/me`,
      { headers: { authorization: `Bearer ${channel.credentials.accessToken ?? ""}`, "linkedin-version": channel.credentials.version ?? LINKEDIN_VERSION, "x-restli-protocol-version": "2.0.0" } },
      deps.timeoutMs,
    );
    if (!r.ok) return { ok: false, code: r.code, detail: r.detail };
    return r.response.status === 200 ? { ok: true, account: channel.handle } : { ok: false, code: "auth.invalid", detail: errorText(r.json, r.body, `HTTP ${r.response.status}`) };
  },
};
