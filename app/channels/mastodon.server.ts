import { compile } from "html-to-text";
import { composeBody } from "../domain/channel-text";
import { errorText, httpCall, withoutResponse } from "./http.server";
import { reusable } from "./media-upload.server";
import { countOf, parseResetHeader, refusedMetricsRead, type AdapterDeps, type ChannelAdapter, type IncomingMessage, type PostMetrics, type PublishInput, type PublishOutcome } from "./types";

function base(url: string | null): string {
  return (url ?? "").replace(/\/+$/, "");
}

function read(r: { response: Response; body: string; json: unknown }, now: Date): PublishOutcome {
  const { response, json, body } = r;
  const status = response.status;
  const detail = errorText(json, body, `HTTP ${status}`);
  if (status >= 200 && status < 300) {
    const s = json as { id?: string; url?: string | null; uri?: string } | null;
    return { kind: "published", remoteId: s?.id ?? null, remoteUrl: s?.url ?? s?.uri ?? null };
  }
  if (status === 401) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
  if (status === 403) return { kind: "failed", code: "permission", detail, reconnect: true };
  if (status === 422) return { kind: "failed", code: "validation", detail };
  if (status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: parseResetHeader(response.headers.get("x-ratelimit-reset"), "iso", now) };
  if (status >= 500) return { kind: "retry", code: "network.server", detail };
  return { kind: "failed", code: "validation", detail };
}

/** A post, or an answer to a citizen: in the thread, addressed to them, as private as their message. */
function statusBody(input: PublishInput, mediaIds: readonly string[] = []) {
  const language = input.languages.length === 1 ? input.languages[0] : undefined;
  const reply = input.replyTo;
  if (!reply) return { status: composeBody("mastodon", input.text, input.link), visibility: "public", language, ...(mediaIds.length > 0 ? { media_ids: mediaIds } : {}) };
  const mention = `@${reply.authorHandle}`;
  const text = input.text.includes(mention) ? input.text : `${mention} ${input.text}`;
  return { status: text, in_reply_to_id: reply.remoteId, visibility: reply.visibility === "direct" || reply.visibility === "private" ? reply.visibility : "unlisted", language };
}

interface MastodonNotification {
  id: string;
  type: string;
  created_at: string;
  account?: { acct?: string };
  status?: { id: string; content?: string; created_at?: string; in_reply_to_id?: string | null; visibility?: string } | null;
}

/** Mastodon's ids are numbers written as text: compared as numbers when they are. */
function newer(a: string, b: string): boolean {
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? BigInt(a) > BigInt(b) : a > b;
}

/** Mastodon's HTML as the text a person reads: links as their text, paragraphs on their own lines (compiled once: 25× faster than each time). */
const htmlToText = compile({ wordwrap: false, selectors: [{ selector: "a", options: { ignoreHref: true } }, { selector: "p", options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } }] });

function toMessage(n: MastodonNotification): IncomingMessage | null {
  if (n.type !== "mention" || !n.status?.id) return null;
  const text = htmlToText(n.status.content ?? "");
  return {
    remoteId: n.status.id,
    remoteCid: null,
    rootRemoteId: null,
    rootRemoteCid: null,
    inReplyToRemoteId: n.status.in_reply_to_id ?? null,
    authorHandle: n.account?.acct ?? "unknown",
    text,
    writtenAt: new Date(n.status.created_at ?? n.created_at),
    visibility: n.status.visibility ?? null,
  };
}

/** An uploaded attachment is reused on a retry while the instance keeps it (unattached media go after a day by default). */
const MEDIA_REUSE_MS = 12 * 3600_000;
const PROCESSING_POLLS = 10;

/**
 * Uploads a post's visuals (POST /api/v2/media with the alt text as `description`), waiting for
 * the instance's asynchronous processing (202, then GET /api/v1/media/:id answers 206 until 200).
 * Each id is remembered before the status is posted, and reused by a retry: a retry never uploads
 * what the instance already has, and the status's Idempotency-Key keeps the post single.
 */
async function uploadVisuals(input: PublishInput, deps: AdapterDeps): Promise<{ ok: true; ids: string[] } | { ok: false; outcome: PublishOutcome }> {
  const visuals = input.visuals ?? [];
  if (visuals.length === 0) return { ok: true, ids: [] };
  if (!deps.media) return { ok: false, outcome: { kind: "failed", code: "config", detail: "no media library" } };
  const headers = { authorization: `Bearer ${input.channel.credentials.accessToken ?? ""}` };
  const done = await deps.media.uploaded(input.publicationId);
  const ids: string[] = [];
  for (const v of visuals) {
    const known = done[v.hash];
    if (reusable(known, deps.now(), MEDIA_REUSE_MS, v.alt)) {
      ids.push(known.id);
      continue;
    }
    const file = await deps.media.read(v.hash);
    if (!file) return { ok: false, outcome: { kind: "failed", code: "validation", detail: `media file ${v.hash} is missing` } };
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(file.bytes)], { type: file.contentType }), `${v.hash.slice(0, 16)}`);
    form.append("description", v.alt);
    const r = await httpCall(deps.fetch, `${base(input.channel.baseUrl)}/api/v2/media`, { method: "POST", headers, body: form }, deps.timeoutMs);
    // An upload lost on the way leaves at most an unattached file, which the instance deletes: safe to retry.
    if (!r.ok) return { ok: false, outcome: { kind: "retry", code: r.code, detail: r.detail } };
    if (r.response.status !== 200 && r.response.status !== 202) {
      const outcome = read(r, deps.now());
      return { ok: false, outcome: outcome.kind === "published" ? { kind: "retry", code: "network.server", detail: "unexpected media answer" } : outcome };
    }
    const id = String((r.json as { id?: string } | null)?.id ?? "");
    if (!id) return { ok: false, outcome: { kind: "retry", code: "network.server", detail: "media without an id" } };
    if (r.response.status === 202) {
      let ready = false;
      for (let poll = 0; poll < PROCESSING_POLLS && !ready; poll++) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** poll)));
        const p = await httpCall(deps.fetch, `${base(input.channel.baseUrl)}/api/v1/media/${encodeURIComponent(id)}`, { headers }, deps.timeoutMs);
        ready = p.ok && p.response.status === 200;
      }
      if (!ready) return { ok: false, outcome: { kind: "retry", code: "network.server", detail: "the instance is still processing the media" } };
    }
    await deps.media.remember(input.publicationId, v.hash, id, v.alt);
    ids.push(id);
  }
  return { ok: true, ids };
}

/**
 * Mastodon, on any instance: POST /api/v1/statuses with an Idempotency-Key (kept by the server for
 * an hour), so a retry after an unknown outcome within that hour cannot post twice.
 */
export const mastodonAdapter: ChannelAdapter = {
  network: "mastodon",
  carriesVisuals: true,
  carriesVideos: true,
  async stageMedia(input, deps) {
    if (input.replyTo || !input.channel.baseUrl) return { ok: true };
    const media = await uploadVisuals(input, deps);
    return media.ok ? { ok: true } : media;
  },
  /**
   * GET /api/v2/instance: configuration.statuses.max_media_attachments and
   * configuration.media_attachments (image_size_limit, image_matrix_limit, video_size_limit,
   * description_limit — the last one since Mastodon 4.4; older instances keep 1,500).
   */
  async mediaLimits(channel, deps) {
    if (!channel.baseUrl) return null;
    const r = await httpCall(deps.fetch, `${base(channel.baseUrl)}/api/v2/instance`, {}, deps.timeoutMs);
    if (!r.ok || r.response.status !== 200) return null;
    const c = (r.json as { configuration?: { statuses?: { max_media_attachments?: unknown }; media_attachments?: Record<string, unknown> } } | null)?.configuration;
    const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined);
    const limits = {
      maxAttachments: n(c?.statuses?.max_media_attachments),
      imageSizeLimit: n(c?.media_attachments?.image_size_limit),
      imageMatrixLimit: n(c?.media_attachments?.image_matrix_limit),
      videoSizeLimit: n(c?.media_attachments?.video_size_limit),
      descriptionLimit: n(c?.media_attachments?.description_limit),
    };
    const known = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
    return Object.keys(known).length > 0 ? known : null;
  },
  async publish(input, deps) {
    if (!input.channel.baseUrl) return { kind: "failed", code: "config", detail: "no instance URL" };
    const media = input.replyTo ? ({ ok: true, ids: [] } as const) : await uploadVisuals(input, deps);
    if (!media.ok) return media.outcome;
    const r = await httpCall(
      deps.fetch,
      `${base(input.channel.baseUrl)}/api/v1/statuses`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${input.channel.credentials.accessToken ?? ""}`,
          "content-type": "application/json",
          "idempotency-key": input.idempotencyKey,
        },
        body: JSON.stringify(statusBody(input, media.ids)),
      },
      deps.timeoutMs,
    );
    if (!r.ok) return withoutResponse(r);
    return read(r, deps.now());
  },
  /**
   * Sending again with the same Idempotency-Key returns the status already created, without a
   * second post: the check is the same call, as long as the key is within its hour.
   */
  async check(input, deps) {
    if (deps.now().getTime() - input.dueAt.getTime() > 50 * 60_000) return { kind: "unknown" };
    const outcome = await mastodonAdapter.publish(input, deps);
    return outcome.kind === "published" ? outcome : { kind: "unknown" };
  },
  /**
   * Mentions (replies to the account's posts are mentions too): GET /api/v1/notifications with
   * types[]=mention. The position is the newest notification id read; each page asks for those
   * immediately newer (min_id), so a restart resumes without a gap. The first round reads one page.
   */
  async collect(channel, position, deps, options) {
    if (!channel.baseUrl) return { kind: "failed", code: "config", detail: "no instance URL" };
    const messages: IncomingMessage[] = [];
    let at = position;
    for (let page = 0; page < options.maxPages; page++) {
      const q = new URLSearchParams({ "types[]": "mention", limit: String(options.pageSize) });
      if (at) q.set("min_id", at);
      const r = await httpCall(deps.fetch, `${base(channel.baseUrl)}/api/v1/notifications?${q.toString()}`, { headers: { authorization: `Bearer ${channel.credentials.accessToken ?? ""}` } }, deps.timeoutMs);
      if (!r.ok) return messages.length > 0 ? { kind: "ok", messages, position: at } : { kind: "retry", code: r.code, detail: r.detail };
      const status = r.response.status;
      const detail = errorText(r.json, r.body, `HTTP ${status}`);
      if (status === 429 || status >= 500) {
        const notBefore = status === 429 ? parseResetHeader(r.response.headers.get("x-ratelimit-reset"), "iso", deps.now()) : undefined;
        return messages.length > 0 ? { kind: "ok", messages, position: at, notBefore } : { kind: "retry", code: status === 429 ? "rate_limited" : "network.server", detail, notBefore };
      }
      if (status === 401 || status === 403) return { kind: "failed", code: status === 401 ? "auth.invalid" : "permission", detail, reconnect: true };
      if (status !== 200 || !Array.isArray(r.json)) return { kind: "retry", code: "network.server", detail };
      const notifications = (r.json as MastodonNotification[]).filter((n) => typeof n.id === "string");
      if (notifications.length === 0) break;
      const oldestFirst = [...notifications].sort((a, b) => (newer(a.id, b.id) ? 1 : -1));
      for (const n of oldestFirst) {
        const message = toMessage(n);
        if (message) messages.push(message);
      }
      at = oldestFirst[oldestFirst.length - 1]!.id;
      // The first round reads the latest page only; an older backlog is not the inbox's business.
      if (!position || notifications.length < options.pageSize) break;
    }
    return { kind: "ok", messages, position: at };
  },
  /**
   * GET /api/v2/search?type=statuses: statuses of the instance's full-text search (an instance
   * without it finds none). With the position (the newest status id found) as min_id, every page
   * holds only newer ones, read by offset until a short page; the first round reads one page.
   */
  async search(channel, term, position, deps, options) {
    if (!channel.baseUrl) return { kind: "failed", code: "config", detail: "no instance URL" };
    const messages: IncomingMessage[] = [];
    let newest = position;
    const limit = Math.min(40, options.pageSize);
    for (let page = 0; page < options.maxPages; page++) {
      const q = new URLSearchParams({ q: term, type: "statuses", limit: String(limit), offset: String(page * limit), resolve: "false" });
      if (position) q.set("min_id", position);
      const r = await httpCall(deps.fetch, `${base(channel.baseUrl)}/api/v2/search?${q.toString()}`, { headers: { authorization: `Bearer ${channel.credentials.accessToken ?? ""}` } }, deps.timeoutMs);
      if (!r.ok) return { kind: "retry", code: r.code, detail: r.detail };
      const status = r.response.status;
      const detail = errorText(r.json, r.body, `HTTP ${status}`);
      if (status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: parseResetHeader(r.response.headers.get("x-ratelimit-reset"), "iso", deps.now()) };
      if (status >= 500) return { kind: "retry", code: "network.server", detail };
      if (status === 401 || status === 403) return { kind: "failed", code: status === 401 ? "auth.invalid" : "permission", detail, reconnect: true };
      const statuses = (r.json as { statuses?: (NonNullable<MastodonNotification["status"]> & { account?: { acct?: string } })[] } | null)?.statuses;
      if (status !== 200 || !Array.isArray(statuses)) return { kind: "retry", code: "network.server", detail };
      for (const st of statuses) {
        if (typeof st.id !== "string" || (position && !newer(st.id, position))) continue;
        if (!newest || newer(st.id, newest)) newest = st.id;
        if (st.account?.acct === channel.handle) continue;
        messages.push({
          remoteId: st.id,
          remoteCid: null,
          rootRemoteId: null,
          rootRemoteCid: null,
          inReplyToRemoteId: st.in_reply_to_id ?? null,
          authorHandle: st.account?.acct ?? "unknown",
          text: htmlToText(st.content ?? ""),
          writtenAt: new Date(st.created_at ?? deps.now()),
          visibility: st.visibility ?? null,
        });
      }
      if (!position || statuses.length < limit) break;
    }
    messages.sort((a, b) => a.writtenAt.getTime() - b.writtenAt.getTime());
    return { kind: "ok", messages, position: newest };
  },
  metricsBatch: 20,
  /**
   * GET /api/v1/statuses?id[]=… (Mastodon 4.3 and later; statuses the server no longer shows are
   * left out): favourites, boosts, replies, and quotes where the server counts them (4.5). A server
   * older than 4.3 answers 404: each status is then read on its own (GET /api/v1/statuses/:id).
   * Mastodon has no impressions or views.
   */
  async readMetrics(channel, remoteIds, deps) {
    if (!channel.baseUrl) return { kind: "failed", code: "config", detail: "no instance URL" };
    const headers = { authorization: `Bearer ${channel.credentials.accessToken ?? ""}` };
    type Status = { id?: string; favourites_count?: unknown; reblogs_count?: unknown; replies_count?: unknown; quotes_count?: unknown };
    const figures = (st: Status): PostMetrics => ({ likes: countOf(st.favourites_count), reposts: countOf(st.reblogs_count), replies: countOf(st.replies_count), quotes: countOf(st.quotes_count), impressions: null, views: null });
    const metrics = new Map<string, PostMetrics | "gone">();
    const q = new URLSearchParams();
    for (const id of remoteIds) q.append("id[]", id);
    const r = await httpCall(deps.fetch, `${base(channel.baseUrl)}/api/v1/statuses?${q.toString()}`, { headers }, deps.timeoutMs);
    if (!r.ok) return { kind: "retry", code: r.code, detail: r.detail };
    const spent = (response: Response) => (response.headers.get("x-ratelimit-remaining") === "0" ? parseResetHeader(response.headers.get("x-ratelimit-reset"), "iso", deps.now()) : undefined);
    if (r.response.status === 200 && Array.isArray(r.json)) {
      for (const st of r.json as Status[]) if (st.id) metrics.set(st.id, figures(st));
      for (const id of remoteIds) if (!metrics.has(id)) metrics.set(id, "gone");
      return { kind: "ok", metrics, notBefore: spent(r.response) };
    }
    if (r.response.status !== 404) return refusedMetricsRead(r.response.status, errorText(r.json, r.body, `HTTP ${r.response.status}`), parseResetHeader(r.response.headers.get("x-ratelimit-reset"), "iso", deps.now()));
    let notBefore: Date | undefined;
    for (const id of remoteIds) {
      const one = await httpCall(deps.fetch, `${base(channel.baseUrl)}/api/v1/statuses/${encodeURIComponent(id)}`, { headers }, deps.timeoutMs);
      if (!one.ok) return metrics.size > 0 ? { kind: "ok", metrics } : { kind: "retry", code: one.code, detail: one.detail };
      if (one.response.status === 200) metrics.set(id, figures(one.json as Status));
      else if (one.response.status === 404) metrics.set(id, "gone");
      else {
        const refused = refusedMetricsRead(one.response.status, errorText(one.json, one.body, `HTTP ${one.response.status}`), parseResetHeader(one.response.headers.get("x-ratelimit-reset"), "iso", deps.now()));
        return metrics.size > 0 ? { kind: "ok", metrics, notBefore: refused.kind === "retry" ? refused.notBefore : undefined } : refused;
      }
      notBefore = spent(one.response);
      if (notBefore) break;
    }
    return { kind: "ok", metrics, notBefore };
  },
  async testConnection(channel, deps) {
    const r = await httpCall(deps.fetch, `${base(channel.baseUrl)}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${channel.credentials.accessToken ?? ""}` } }, deps.timeoutMs);
    if (!r.ok) return { ok: false, code: r.code, detail: r.detail };
    if (r.response.status === 200) return { ok: true, account: String((r.json as { acct?: string } | null)?.acct ?? channel.handle) };
    return { ok: false, code: r.response.status === 401 ? "auth.invalid" : "network.server", detail: errorText(r.json, r.body, `HTTP ${r.response.status}`) };
  },
};
