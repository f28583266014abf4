import { composeBody } from "../domain/channel-text";
import { errorText, httpCall, withoutResponse } from "./http.server";
import type { ChannelAdapter, PublishOutcome } from "./types";

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

/** Facebook Pages, POST /{page-id}/feed. Error 506 (duplicate post) is read as "already posted". */
export const facebookAdapter: ChannelAdapter = {
  network: "facebook",
  async publish(input, deps) {
    const pageId = input.channel.credentials.pageId ?? input.channel.handle;
    const message = composeBody("facebook", input.text, input.link);
    const form = new URLSearchParams({ message, access_token: input.channel.credentials.accessToken ?? "" });
    if (input.link) form.set("link", input.link);
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
