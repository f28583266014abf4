import { DateTime } from "luxon";
import { Readable } from "node:stream";
import { composeBody, videoTitle } from "../domain/channel-text";
import { errorText, httpCall, type HttpResult } from "./http.server";
import { refreshWithToken } from "./oauth-refresh.server";
import { countOf, refusedMetricsRead, type AdapterDeps, type ChannelAdapter, type PostMetrics, type PublishInput, type PublishOutcome } from "./types";

/**
 * YouTube publishes videos only (its API has no call for a text or community post): a post with
 * one video is uploaded with `videos.insert` through Google's resumable upload protocol, its title
 * and description taken from the post's text in the channel's language.
 *
 * Exactly once: the upload session's address is stored on the publication before a byte is sent.
 * A retry (after a crash, a timeout, a lost connection) asks that session how far it got — a
 * finished session answers with the video, so it is never uploaded twice — and resumes from there.
 * One session makes at most one video.
 */

const DEFAULT_BASE = "https://www.googleapis.com";
const TOKEN_URL = "https://oauth2.googleapis.com/token";
/** Google keeps an upload session for about a week; past six days a new one is started. */
const SESSION_REUSE_MS = 6 * 86_400_000;
/** A video upload has time: 1 minute plus 1 second per megabyte. */
const uploadTimeout = (bytes: number, base: number) => Math.max(base, 60_000 + Math.ceil(bytes / 1_000_000) * 1000);

function base(channel: { baseUrl: string | null }): string {
  return (channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
}

/** YouTube refuses < and > in titles and descriptions. */
const clean = (text: string) => text.replace(/</g, "‹").replace(/>/g, "›");

/** The title: the post's first line cut at 100 characters, without angle brackets. */
export const youtubeTitle = (text: string) => videoTitle(clean(text)) || "Video";

function videoResource(input: PublishInput) {
  const language = input.languages.length === 1 ? input.languages[0] : undefined;
  const privacy = input.channel.credentials.privacyStatus;
  return {
    snippet: {
      title: youtubeTitle(input.text),
      description: clean(composeBody("youtube", input.text, input.link)).slice(0, 5000),
      ...(language ? { defaultLanguage: language, defaultAudioLanguage: language } : {}),
    },
    status: { privacyStatus: privacy === "unlisted" || privacy === "private" ? privacy : "public", selfDeclaredMadeForKids: false },
  };
}

/** Google's JSON error: the first reason ("quotaExceeded", "uploadLimitExceeded", "forbidden"…). */
function reasonOf(json: unknown): string {
  const errors = (json as { error?: { errors?: { reason?: string }[] } } | null)?.error?.errors;
  return errors?.[0]?.reason ?? "";
}

/** Quotas are reset at midnight, Pacific time. */
function nextQuotaReset(now: Date): Date {
  return DateTime.fromJSDate(now).setZone("America/Los_Angeles").plus({ days: 1 }).startOf("day").toJSDate();
}

function refusal(r: Extract<HttpResult, { ok: true }>, now: Date): PublishOutcome {
  const status = r.response.status;
  const detail = errorText(r.json, r.body, `HTTP ${status}`);
  const reason = reasonOf(r.json);
  if (status === 401) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
  if (status === 403 && (reason === "quotaExceeded" || reason === "uploadLimitExceeded" || reason === "rateLimitExceeded")) return { kind: "retry", code: "rate_limited", detail, notBefore: nextQuotaReset(now) };
  if (status === 403) return { kind: "failed", code: "permission", detail, reconnect: true };
  if (status === 429) return { kind: "retry", code: "rate_limited", detail };
  if (status >= 500) return { kind: "retry", code: "network.server", detail };
  return { kind: "failed", code: "validation", detail };
}

const published = (json: unknown): PublishOutcome | null => {
  const id = (json as { id?: unknown } | null)?.id;
  return typeof id === "string" && id ? { kind: "published", remoteId: id, remoteUrl: `https://www.youtube.com/watch?v=${id}` } : null;
};

/** Sends the file from `start` to the session; the answer says whether the video exists now. */
async function sendBytes(input: PublishInput, deps: AdapterDeps, session: string, hash: string, start: number): Promise<PublishOutcome> {
  const file = await deps.media!.open(hash, start);
  if (!file) return { kind: "failed", code: "validation", detail: `media file ${hash} is missing` };
  const headers: Record<string, string> = { authorization: `Bearer ${input.channel.credentials.accessToken ?? ""}`, "content-type": file.contentType, "content-length": String(file.size - start) };
  if (start > 0) headers["content-range"] = `bytes ${start}-${file.size - 1}/${file.size}`;
  const body = Readable.toWeb(file.body) as unknown as ReadableStream<Uint8Array>;
  const r = await httpCall(deps.fetch, session, { method: "PUT", headers, body, duplex: "half" }, uploadTimeout(file.size - start, deps.timeoutMs));
  // Cut off mid-way: the session knows how far it got, and the next attempt asks it.
  if (!r.ok) return { kind: "retry", code: r.code, detail: r.detail };
  if (r.response.status === 200 || r.response.status === 201) return published(r.json) ?? { kind: "retry", code: "network.server", detail: "upload finished without a video id" };
  if (r.response.status === 308) return { kind: "retry", code: "network.server", detail: "the upload stopped before its end" };
  if (r.response.status === 404 || r.response.status === 410) return { kind: "retry", code: "network.server", detail: "the upload session expired" };
  return refusal(r, deps.now());
}

/** Asks a session how far it got: done (the video), the next byte to send, or gone. */
async function sessionState(input: PublishInput, deps: AdapterDeps, session: string, size: number): Promise<{ kind: "done"; outcome: PublishOutcome } | { kind: "resume"; from: number } | { kind: "gone" } | { kind: "error"; outcome: PublishOutcome }> {
  const r = await httpCall(deps.fetch, session, { method: "PUT", headers: { authorization: `Bearer ${input.channel.credentials.accessToken ?? ""}`, "content-length": "0", "content-range": `bytes */${size}` } }, deps.timeoutMs);
  if (!r.ok) return { kind: "error", outcome: { kind: "retry", code: r.code, detail: r.detail } };
  const status = r.response.status;
  if (status === 200 || status === 201) {
    const done = published(r.json);
    return done ? { kind: "done", outcome: done } : { kind: "error", outcome: { kind: "retry", code: "network.server", detail: "finished session without a video id" } };
  }
  if (status === 308) {
    const range = /bytes=0-(\d+)/.exec(r.response.headers.get("range") ?? "");
    return { kind: "resume", from: range ? Number(range[1]) + 1 : 0 };
  }
  if (status === 404 || status === 410) return { kind: "gone" };
  return { kind: "error", outcome: refusal(r, deps.now()) };
}

/** The video's size, read once from the library (the session announces it). */
async function sizeOf(deps: AdapterDeps, hash: string): Promise<{ size: number; contentType: string } | null> {
  const file = await deps.media!.open(hash, 0);
  if (!file) return null;
  file.body.destroy();
  return { size: file.size, contentType: file.contentType };
}

export const youtubeAdapter: ChannelAdapter = {
  network: "youtube",
  carriesVisuals: true,
  carriesVideos: true,
  async publish(input, deps) {
    const video = input.visuals?.find((v) => v.kind === "video");
    if (!video || input.replyTo) return { kind: "failed", code: "not_publishable", detail: "YouTube publishes videos: this post has none." };
    if (!deps.media) return { kind: "failed", code: "config", detail: "no media library" };
    const known = (await deps.media.uploaded(input.publicationId))[video.hash];
    if (known?.id.startsWith("video:")) {
      const id = known.id.slice("video:".length);
      return { kind: "published", remoteId: id, remoteUrl: `https://www.youtube.com/watch?v=${id}` };
    }
    const file = await sizeOf(deps, video.hash);
    if (!file) return { kind: "failed", code: "validation", detail: `media file ${video.hash} is missing` };
    const finish = async (outcome: PublishOutcome) => {
      if (outcome.kind === "published" && outcome.remoteId) await deps.media!.remember(input.publicationId, video.hash, `video:${outcome.remoteId}`);
      return outcome;
    };
    if (known?.id.startsWith("session:") && deps.now().getTime() - Date.parse(known.at) < SESSION_REUSE_MS) {
      const session = known.id.slice("session:".length);
      const state = await sessionState(input, deps, session, file.size);
      if (state.kind === "done") return await finish(state.outcome);
      if (state.kind === "error") return state.outcome;
      if (state.kind === "resume") return await finish(await sendBytes(input, deps, session, video.hash, state.from));
      // Gone without a video: a new session below.
    }
    const start = await httpCall(
      deps.fetch,
      `${base(input.channel)}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${input.channel.credentials.accessToken ?? ""}`,
          "content-type": "application/json; charset=UTF-8",
          "x-upload-content-length": String(file.size),
          "x-upload-content-type": file.contentType,
        },
        body: JSON.stringify(videoResource(input)),
      },
      deps.timeoutMs,
    );
    // A session that was opened but never told us is an empty session: it never becomes a video.
    if (!start.ok) return { kind: "retry", code: start.code, detail: start.detail };
    if (start.response.status !== 200) return refusal(start, deps.now());
    const session = start.response.headers.get("location");
    if (!session) return { kind: "retry", code: "network.server", detail: "no upload session address" };
    await deps.media.remember(input.publicationId, video.hash, `session:${session}`);
    return await finish(await sendBytes(input, deps, session, video.hash, 0));
  },
  /** The stored session says whether the video exists: asking is safe, and never uploads twice. */
  async check(input, deps) {
    const video = input.visuals?.find((v) => v.kind === "video");
    if (!video || !deps.media) return { kind: "unknown" };
    const known = (await deps.media.uploaded(input.publicationId))[video.hash];
    if (!known) return { kind: "absent" };
    if (known.id.startsWith("video:")) {
      const id = known.id.slice("video:".length);
      return { kind: "published", remoteId: id, remoteUrl: `https://www.youtube.com/watch?v=${id}` };
    }
    const file = await sizeOf(deps, video.hash);
    if (!file) return { kind: "unknown" };
    const state = await sessionState(input, deps, known.id.slice("session:".length), file.size);
    if (state.kind === "done" && state.outcome.kind === "published") {
      if (state.outcome.remoteId) await deps.media.remember(input.publicationId, video.hash, `video:${state.outcome.remoteId}`);
      return state.outcome;
    }
    return state.kind === "resume" || state.kind === "gone" ? { kind: "absent" } : { kind: "unknown" };
  },
  /** Google's access tokens last an hour; the refresh token (offline access) does not rotate. */
  metricsBatch: 50,
  /**
   * videos.list with part=statistics and up to 50 ids (one quota unit): views, likes (absent when
   * the channel hides them: "not available") and comments. A deleted video is left out: "gone".
   */
  async readMetrics(channel, remoteIds, deps) {
    const q = new URLSearchParams({ part: "statistics", id: remoteIds.join(","), maxResults: "50" });
    const r = await httpCall(deps.fetch, `${base(channel)}/youtube/v3/videos?${q.toString()}`, { headers: { authorization: `Bearer ${channel.credentials.accessToken ?? ""}` } }, deps.timeoutMs);
    if (!r.ok) return { kind: "retry", code: r.code, detail: r.detail };
    const status = r.response.status;
    const reason = (r.json as { error?: { errors?: { reason?: string }[] } } | null)?.error?.errors?.[0]?.reason;
    if (status === 403 && (reason === "quotaExceeded" || reason === "rateLimitExceeded")) {
      // The daily quota comes back at midnight, Pacific time.
      const midnight = DateTime.fromJSDate(deps.now()).setZone("America/Los_Angeles").plus({ days: 1 }).startOf("day").toJSDate();
      return { kind: "retry", code: "rate_limited", detail: reason, notBefore: midnight };
    }
    if (status !== 200) return refusedMetricsRead(status, errorText(r.json, r.body, `HTTP ${status}`), undefined);
    const metrics = new Map<string, PostMetrics | "gone">();
    for (const v of (r.json as { items?: { id?: string; statistics?: Record<string, unknown> }[] } | null)?.items ?? []) {
      const st = v.statistics ?? {};
      if (v.id) metrics.set(v.id, { likes: countOf(st.likeCount), reposts: null, replies: countOf(st.commentCount), quotes: null, impressions: null, views: countOf(st.viewCount) });
    }
    for (const id of remoteIds) if (!metrics.has(id)) metrics.set(id, "gone");
    return { kind: "ok", metrics };
  },
  refresh(channel, deps) {
    return refreshWithToken(channel, deps, channel.baseUrl ? `${base(channel)}/oauth2/token` : TOKEN_URL, "form");
  },
  async testConnection(channel, deps) {
    const r = await httpCall(deps.fetch, `${base(channel)}/youtube/v3/channels?part=snippet&mine=true`, { headers: { authorization: `Bearer ${channel.credentials.accessToken ?? ""}` } }, deps.timeoutMs);
    if (!r.ok) return { ok: false, code: r.code, detail: r.detail };
    if (r.response.status !== 200) {
      const outcome = refusal(r, deps.now());
      return { ok: false, code: outcome.kind === "published" ? "network.server" : outcome.code, detail: errorText(r.json, r.body, `HTTP ${r.response.status}`) };
    }
    const title = (r.json as { items?: { snippet?: { title?: string } }[] } | null)?.items?.[0]?.snippet?.title;
    return title ? { ok: true, account: title } : { ok: false, code: "permission", detail: "this account has no YouTube channel" };
  },
};
