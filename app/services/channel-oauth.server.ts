import { createHash, randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { z } from "zod";
import { findChannelById, updateChannelRow } from "../../db/repositories/channels";
import type { Channel, User } from "../../db/schema";
import { errorText, httpCall } from "../channels/http.server";
import type { OAuthClient } from "../config.server";
import { can } from "../domain/permissions";
import type { MessageKey } from "../i18n";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { readChannelCredentials, sealChannelCredentials } from "./credentials-crypto.server";
import { CALL_TIMEOUT_MS } from "./publishing.server";

/**
 * Connecting a channel with the network's OAuth 2.0 (authorization code with PKCE): X and
 * LinkedIn. The state and the code verifier travel in a signed, HttpOnly cookie for ten minutes;
 * the tokens obtained are stored encrypted with the channel, with what the refresh job needs.
 */

function clientFor(ctx: AppContext, network: string): OAuthClient | null {
  return network === "x" ? ctx.config.oauth.x : network === "linkedin" ? ctx.config.oauth.linkedin : network === "facebook" ? ctx.config.oauth.facebook : null;
}

export function oauthAvailable(ctx: AppContext, network: string): boolean {
  return clientFor(ctx, network) !== null;
}

function oauthCookie(ctx: AppContext) {
  return createCookie("cadence_oauth", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 600, secure: ctx.config.production, secrets: [ctx.config.sessionSecret] });
}

const base64url = (b: Buffer) => b.toString("base64url");

export function redirectUri(ctx: AppContext): string {
  return `${ctx.config.publicUrl}/oauth/callback`;
}

/** Where to send the admin's browser, and the cookie that remembers the attempt. */
export async function startConnect(ctx: AppContext, user: User, channelId: string): Promise<{ ok: true; url: string; cookie: string } | { ok: false; key: MessageKey }> {
  if (!can(user.roles, "channels.manage")) return { ok: false, key: "error.forbidden.body" };
  if (!z.string().uuid().safeParse(channelId).success) return { ok: false, key: "error.notFound.body" };
  const channel = await findChannelById(ctx.db, channelId);
  if (!channel) return { ok: false, key: "error.notFound.body" };
  const client = clientFor(ctx, channel.network);
  if (!client) return { ok: false, key: "channels.oauthNotConfigured" };
  const state = base64url(randomBytes(24));
  const verifier = base64url(randomBytes(48));
  const challenge = base64url(createHash("sha256").update(verifier).digest());
  const url = new URL(client.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: redirectUri(ctx),
    scope: client.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  const cookie = await oauthCookie(ctx).serialize({ state, verifier, channelId, userId: user.id });
  return { ok: true, url: url.toString(), cookie };
}

/** The network sends the browser back with a code: exchanged for tokens, stored with the channel. */
export async function finishConnect(ctx: AppContext, user: User, request: Request, fetchImpl: typeof fetch = fetch): Promise<{ ok: true; channelId: string } | { ok: false; key: MessageKey; detail?: string }> {
  if (!can(user.roles, "channels.manage")) return { ok: false, key: "error.forbidden.body" };
  const saved = z
    .object({ state: z.string(), verifier: z.string(), channelId: z.string().uuid(), userId: z.string() })
    .safeParse(await oauthCookie(ctx).parse(request.headers.get("cookie")));
  const query = new URL(request.url).searchParams;
  if (!saved.success || saved.data.state !== query.get("state") || saved.data.userId !== user.id) return { ok: false, key: "channels.oauthStateMismatch" };
  if (query.get("error")) return { ok: false, key: "channels.oauthRefused", detail: query.get("error_description") ?? query.get("error") ?? "" };
  const code = query.get("code");
  if (!code) return { ok: false, key: "channels.oauthRefused" };
  const channel = await findChannelById(ctx.db, saved.data.channelId);
  const client = channel ? clientFor(ctx, channel.network) : null;
  if (!channel || !client) return { ok: false, key: "error.notFound.body" };
  if (client.facebookGraphUrl) return await finishFacebook(ctx, user, channel, client, code, fetchImpl);
  const form = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri(ctx), code_verifier: saved.data.verifier, client_id: client.clientId });
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (client.clientSecret && client.clientAuth === "basic") headers.authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}`;
  if (client.clientSecret && client.clientAuth === "form") form.set("client_secret", client.clientSecret);
  const r = await httpCall(fetchImpl, client.tokenUrl, { method: "POST", headers, body: form }, CALL_TIMEOUT_MS);
  if (!r.ok) return { ok: false, key: "channels.oauthRefused", detail: r.detail };
  const j = r.json as { access_token?: string; refresh_token?: string; expires_in?: number } | null;
  if (r.response.status !== 200 || !j?.access_token) return { ok: false, key: "channels.oauthRefused", detail: errorText(r.json, r.body, `HTTP ${r.response.status}`) };
  const credentials: Record<string, string> = {
    ...readChannelCredentials(ctx.config.credentialsKey, channel),
    accessToken: j.access_token,
    ...(j.refresh_token ? { refreshToken: j.refresh_token } : {}),
    ...(j.expires_in ? { expiresAt: new Date(ctx.now().getTime() + j.expires_in * 1000).toISOString() } : {}),
    clientId: client.clientId,
    ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
    ...(channel.network === "x" ? {} : { tokenUrl: client.tokenUrl }),
  };
  return await storeConnection(ctx, user, channel, credentials, {});
}

/** Stores the credentials a connection obtained, clears "needs reconnecting", and audits it. */
async function storeConnection(ctx: AppContext, user: User, channel: Channel, credentials: Record<string, string>, details: Record<string, string>): Promise<{ ok: true; channelId: string }> {
  await ctx.db.transaction().execute(async (tx) => {
    await updateChannelRow(tx, channel.id, channel.version, {
      name: channel.name,
      handle: channel.handle,
      baseUrl: channel.base_url,
      active: channel.active,
      credentialsEncrypted: sealChannelCredentials(ctx.config.credentialsKey, channel.id, credentials),
      reconnected: true,
    });
    await audit(tx, actorOf(user), { action: "channel.connected", subjectType: "channel", subjectId: channel.id, after: { network: channel.network, via: "oauth", ...details } });
  });
  return { ok: true, channelId: channel.id };
}

/**
 * Facebook: the code gives a user token; it is exchanged for a long-lived one, and the page's own
 * token (which does not expire when obtained so) is read from /me/accounts for the channel's page.
 */
async function finishFacebook(ctx: AppContext, user: User, channel: Channel, client: OAuthClient, code: string, fetchImpl: typeof fetch): Promise<{ ok: true; channelId: string } | { ok: false; key: MessageKey; detail?: string }> {
  const graph = client.facebookGraphUrl!;
  const get = async (path: string, query: Record<string, string>) => {
    const r = await httpCall(fetchImpl, `${graph}${path}?${new URLSearchParams(query).toString()}`, {}, CALL_TIMEOUT_MS);
    if (!r.ok) return { error: r.detail };
    return r.response.status === 200 ? { json: r.json as Record<string, unknown> } : { error: errorText(r.json, r.body, `HTTP ${r.response.status}`) };
  };
  const short = await get("/oauth/access_token", { client_id: client.clientId, client_secret: client.clientSecret ?? "", redirect_uri: redirectUri(ctx), code });
  if ("error" in short || typeof short.json.access_token !== "string") return { ok: false, key: "channels.oauthRefused", detail: "error" in short ? short.error : "" };
  const long = await get("/oauth/access_token", { grant_type: "fb_exchange_token", client_id: client.clientId, client_secret: client.clientSecret ?? "", fb_exchange_token: short.json.access_token });
  const userToken = !("error" in long) && typeof long.json.access_token === "string" ? long.json.access_token : short.json.access_token;
  const accounts = await get("/me/accounts", { access_token: userToken, fields: "id,name,access_token" });
  if ("error" in accounts) return { ok: false, key: "channels.oauthRefused", detail: accounts.error };
  const previous = readChannelCredentials(ctx.config.credentialsKey, channel);
  const wanted = previous.pageId ?? channel.handle;
  const pages = (accounts.json.data ?? []) as { id: string; name: string; access_token: string }[];
  const page = pages.find((p) => p.id === wanted || p.name === wanted) ?? (pages.length === 1 ? pages[0] : undefined);
  if (!page) return { ok: false, key: "channels.oauthNoPage", detail: pages.map((p) => `${p.name} (${p.id})`).join(", ") };
  return await storeConnection(ctx, user, channel, { ...previous, pageId: page.id, accessToken: page.access_token, appId: client.clientId }, { page: page.id });
}

/** The header that clears the attempt's cookie once it is used. */
export async function clearConnectCookie(ctx: AppContext): Promise<string> {
  return await oauthCookie(ctx).serialize("", { maxAge: 0 });
}
