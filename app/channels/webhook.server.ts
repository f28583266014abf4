import { createHmac } from "node:crypto";
import { errorText, httpCall, withoutResponse } from "./http.server";
import { parseResetHeader, type ChannelAdapter } from "./types";

/**
 * The Standard Webhooks signature: HMAC-SHA256 over "{id}.{timestamp}.{body}" with the secret
 * (given as "whsec_" + base64), sent as "v1,{base64}".
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/**
 * A signed webhook (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature). The
 * webhook-id is the publication's idempotency key, the same on every attempt, so the receiver can
 * drop a second delivery; a 2xx is success, 4xx permanent, 5xx and 429 retried.
 */
export const webhookAdapter: ChannelAdapter = {
  network: "webhook",
  async publish(input, deps) {
    if (!input.channel.baseUrl) return { kind: "failed", code: "config", detail: "no webhook URL" };
    const timestamp = Math.floor(deps.now().getTime() / 1000);
    const body = JSON.stringify({
      type: "post.publish",
      timestamp: deps.now().toISOString(),
      data: { publicationId: input.publicationId, itemId: input.itemId, channel: input.channel.name, languages: input.languages, text: input.text, link: input.link, dueAt: input.dueAt.toISOString() },
    });
    const r = await httpCall(
      deps.fetch,
      input.channel.baseUrl,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": input.idempotencyKey,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signWebhook(input.channel.credentials.secret ?? "", input.idempotencyKey, timestamp, body),
        },
        body,
      },
      deps.timeoutMs,
    );
    if (!r.ok) return withoutResponse(r);
    const status = r.response.status;
    const detail = errorText(r.json, r.body, `HTTP ${status}`);
    if (status >= 200 && status < 300) return { kind: "published", remoteId: input.idempotencyKey, remoteUrl: null };
    if (status === 429) return { kind: "retry", code: "rate_limited", detail, notBefore: parseResetHeader(r.response.headers.get("retry-after"), "retry-after", deps.now()) };
    // The receiver drops a second delivery of the same webhook-id: retrying a 5xx is safe.
    if (status >= 500) return { kind: "retry", code: "network.server", detail };
    if (status === 401 || status === 403) return { kind: "failed", code: "auth.invalid", detail, reconnect: true };
    return { kind: "failed", code: "validation", detail };
  },
  testConnection(channel) {
    return Promise.resolve(channel.baseUrl ? { ok: true as const, account: channel.baseUrl } : { ok: false as const, code: "config" as const, detail: "no webhook URL" });
  },
};
