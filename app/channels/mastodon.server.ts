import { composeBody } from "../domain/channel-text";
import { errorText, httpCall, withoutResponse } from "./http.server";
import { parseResetHeader, type ChannelAdapter, type PublishOutcome } from "./types";

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

/**
 * Mastodon, on any instance: POST /api/v1/statuses with an Idempotency-Key (kept by the server for
 * an hour), so a retry after an unknown outcome within that hour cannot post twice.
 */
export const mastodonAdapter: ChannelAdapter = {
  network: "mastodon",
  async publish(input, deps) {
    if (!input.channel.baseUrl) return { kind: "failed", code: "config", detail: "no instance URL" };
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
        body: JSON.stringify({ status: composeBody("mastodon", input.text, input.link), visibility: "public", language: input.languages.length === 1 ? input.languages[0] : undefined }),
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
  async testConnection(channel, deps) {
    const r = await httpCall(deps.fetch, `${base(channel.baseUrl)}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${channel.credentials.accessToken ?? ""}` } }, deps.timeoutMs);
    if (!r.ok) return { ok: false, code: r.code, detail: r.detail };
    if (r.response.status === 200) return { ok: true, account: String((r.json as { acct?: string } | null)?.acct ?? channel.handle) };
    return { ok: false, code: r.response.status === 401 ? "auth.invalid" : "network.server", detail: errorText(r.json, r.body, `HTTP ${r.response.status}`) };
  },
};
