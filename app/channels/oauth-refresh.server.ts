import { errorText, httpCall } from "./http.server";
import type { AdapterChannel, AdapterDeps, ErrorCode } from "./types";

/**
 * The OAuth 2.0 refresh-token grant, as X and LinkedIn implement it: a form POST to the token URL;
 * a confidential client authenticates with Basic auth (X) or form fields (LinkedIn). The answer's
 * refresh token, when given, replaces the old one (X rotates them).
 */
export async function refreshWithToken(
  channel: AdapterChannel,
  deps: AdapterDeps,
  tokenUrl: string,
  clientAuth: "basic" | "form",
): Promise<{ ok: true; credentials: Record<string, string> } | { ok: false; code: ErrorCode; detail: string; permanent: boolean }> {
  const c = channel.credentials;
  if (!c.refreshToken || !c.clientId) return { ok: false, code: "config", detail: "no refresh token or client id stored", permanent: true };
  const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: c.refreshToken, client_id: c.clientId });
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (c.clientSecret && clientAuth === "basic") headers.authorization = `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString("base64")}`;
  if (c.clientSecret && clientAuth === "form") form.set("client_secret", c.clientSecret);
  const r = await httpCall(deps.fetch, tokenUrl, { method: "POST", headers, body: form }, deps.timeoutMs);
  if (!r.ok) return { ok: false, code: r.code, detail: r.detail, permanent: false };
  const j = r.json as { access_token?: string; refresh_token?: string; expires_in?: number } | null;
  if (r.response.status === 200 && j?.access_token) {
    const expiresAt = j.expires_in ? new Date(deps.now().getTime() + j.expires_in * 1000).toISOString() : "";
    return { ok: true, credentials: { ...c, accessToken: j.access_token, ...(j.refresh_token ? { refreshToken: j.refresh_token } : {}), ...(expiresAt ? { expiresAt } : {}) } };
  }
  const detail = errorText(r.json, r.body, `HTTP ${r.response.status}`);
  if (r.response.status >= 500 || r.response.status === 429) return { ok: false, code: "network.server", detail, permanent: false };
  return { ok: false, code: "auth.invalid", detail, permanent: true };
}
