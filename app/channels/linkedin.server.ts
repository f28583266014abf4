import { composeBody } from "../domain/channel-text";
import { errorText, httpCall, withoutResponse } from "./http.server";
import { refreshWithToken } from "./oauth-refresh.server";
import type { ChannelAdapter } from "./types";

const DEFAULT_BASE = "https://api.linkedin.com";
export const LINKEDIN_VERSION = "202603";

/** The next 00:00 UTC: LinkedIn's daily limits reset then. */
function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/**
 * LinkedIn Posts API for an organisation page. The commentary is in "little text format", its
 * reserved characters escaped. A 422 DUPLICATE_POST names the existing post: read as published.
 */
export const linkedinAdapter: ChannelAdapter = {
  network: "linkedin",
  async publish(input, deps) {
    const headers = {
      authorization: `Bearer ${input.channel.credentials.accessToken ?? ""}`,
      "linkedin-version": input.channel.credentials.version ?? LINKEDIN_VERSION,
      "x-restli-protocol-version": "2.0.0",
      "content-type": "application/json",
    };
    const body = {
      author: input.channel.credentials.author ?? input.channel.handle,
      commentary: composeBody("linkedin", input.text, input.link),
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
  /** Access tokens last 60 days; programmatic refresh tokens (approved partners) renew them. */
  refresh(channel, deps) {
    return refreshWithToken(channel, deps, channel.credentials.tokenUrl ?? "https://www.linkedin.com/oauth/v2/accessToken", "form");
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
