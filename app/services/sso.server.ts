import { createCookie } from "@remix-run/node";
import * as oidc from "openid-client";
import { z } from "zod";
import { findUserByEmail, findUserByOidcSubject, insertUser, updateUserFromProvider } from "../../db/repositories/users";
import type { User } from "../../db/schema";
import type { OidcConfig } from "../config.server";
import { claimAt, rolesFromClaim, type SsoRefusal } from "../domain/sso-roles";
import { isUiLanguage, type UiLanguage } from "../i18n";
import { audit } from "./audit.server";
import { openSession } from "./auth.server";
import type { AppContext } from "./context.server";

/**
 * Single sign-on with the administration's identity provider: OpenID Connect's authorization code
 * flow with PKCE (S256), state and nonce. The provider vouches for the person and says their roles
 * (a claim, mapped to Cadence's roles); Cadence then opens its own session as for a password.
 */

export const SSO_CALLBACK_PATH = "/login/sso/callback";

function ssoCookie(ctx: AppContext) {
  // SameSite=Lax: the provider sends the browser back with a top-level GET, which carries it.
  return createCookie("cadence_sso", { httpOnly: true, sameSite: "lax", path: "/login/sso", maxAge: 600, secure: ctx.config.production, secrets: [ctx.config.sessionSecret] });
}

const attemptSchema = z.object({ state: z.string().min(1), nonce: z.string().min(1), verifier: z.string().min(43), redirectTo: z.string().max(2048) });

/** The provider's configuration, discovered once per process (and again after a failure). */
const discovered = new Map<string, Promise<oidc.Configuration>>();

function configurationOf(settings: OidcConfig): Promise<oidc.Configuration> {
  const key = `${settings.issuer} ${settings.clientId}`;
  let found = discovered.get(key);
  if (!found) {
    const issuer = new URL(settings.issuer);
    // Plain HTTP only to a provider on this machine (a test or a local provider); never otherwise.
    const local = issuer.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(issuer.hostname);
    found = oidc.discovery(issuer, settings.clientId, settings.clientSecret ?? undefined, settings.clientSecret ? undefined : oidc.None(), {
      ...(local ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
    found.catch(() => discovered.delete(key));
    discovered.set(key, found);
  }
  return found;
}

export type SsoStart = { ok: true; url: string; cookie: string } | { ok: false; key: SsoRefusal };

/** Where to send the browser to sign in, and the cookie that remembers this attempt for ten minutes. */
export async function startSignIn(ctx: AppContext, redirectTo: string): Promise<SsoStart> {
  const settings = ctx.config.oidc;
  if (!settings) return { ok: false, key: "sso.off" };
  let configuration: oidc.Configuration;
  try {
    configuration = await configurationOf(settings);
  } catch (error) {
    ctx.log.warn("identity provider unreachable", { issuer: settings.issuer, error: error instanceof Error ? error.message : String(error) });
    return { ok: false, key: "sso.unreachable" };
  }
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: `${ctx.config.publicUrl}${SSO_CALLBACK_PATH}`,
    scope: settings.scopes,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  const cookie = await ssoCookie(ctx).serialize({ state, nonce, verifier, redirectTo });
  return { ok: true, url: url.href, cookie };
}

export type SsoFinish = { ok: true; user: User; sessionToken: string; expiresAt: Date; redirectTo: string } | { ok: false; key: SsoRefusal };

/**
 * The provider sent the browser back: checks state, exchanges the code with the PKCE verifier,
 * checks the ID token (issuer, audience, nonce, signature), then finds or creates the person and
 * gives them the roles the provider says. Someone the provider gives no Cadence role is refused.
 */
export async function finishSignIn(ctx: AppContext, request: Request, language: UiLanguage): Promise<SsoFinish> {
  const settings = ctx.config.oidc;
  if (!settings) return { ok: false, key: "sso.off" };
  const attempt = attemptSchema.safeParse(await ssoCookie(ctx).parse(request.headers.get("Cookie")));
  if (!attempt.success) return { ok: false, key: "sso.expired" };
  const incoming = new URL(request.url);
  // The provider's own refusal (the person cancelled, or may not use Cadence).
  if (incoming.searchParams.has("error")) {
    await audit(ctx.db, { id: null, label: "single sign-on" }, { action: "auth.sign_in_failed", subjectType: "user", subjectId: null, after: { method: "oidc", error: incoming.searchParams.get("error")?.slice(0, 100) ?? "" } });
    return { ok: false, key: "sso.denied" };
  }
  // The address the provider redirected to, as the provider saw it (behind a proxy, request.url
  // holds the internal address).
  const callback = new URL(`${ctx.config.publicUrl}${SSO_CALLBACK_PATH}`);
  callback.search = incoming.search;
  let claims: Record<string, unknown>;
  try {
    const configuration = await configurationOf(settings);
    const tokens = await oidc.authorizationCodeGrant(configuration, callback, {
      pkceCodeVerifier: attempt.data.verifier,
      expectedState: attempt.data.state,
      expectedNonce: attempt.data.nonce,
      idTokenExpected: true,
    });
    claims = { ...(tokens.claims() ?? {}) };
    // Some providers put e-mail and groups in the UserInfo answer only.
    if ((!claims.email || claimAt(claims, settings.rolesClaim) === undefined) && configuration.serverMetadata().userinfo_endpoint) {
      // The ID token's own claims win; UserInfo fills what it left out.
      claims = { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, String(claims.sub))), ...claims };
    }
  } catch (error) {
    // No token, code or verifier in the log: the library's message and code only.
    ctx.log.warn("single sign-on refused", { error: error instanceof Error ? `${error.name}: ${error.message}` : "unknown", code: (error as { code?: unknown }).code ?? null });
    return { ok: false, key: "sso.failed" };
  }
  const subject = typeof claims.sub === "string" ? claims.sub : "";
  const email = typeof claims.email === "string" ? claims.email.trim().slice(0, 320) : "";
  const name = (typeof claims.name === "string" && claims.name.trim()) || email;
  const roles = rolesFromClaim(claimAt(claims, settings.rolesClaim), settings.roleMap);
  const refuse = async (key: SsoRefusal, reason: string, user?: User) => {
    await audit(ctx.db, { id: user?.id ?? null, label: email || subject || "single sign-on" }, { action: "auth.sign_in_failed", subjectType: "user", subjectId: user?.id ?? null, after: { method: "oidc", reason } });
    return { ok: false as const, key };
  };
  if (!subject || !email) return await refuse("sso.noEmail", "no subject or e-mail");

  const result = await ctx.db.transaction().execute(async (tx) => {
    let user = await findUserByOidcSubject(tx, subject);
    if (!user) {
      const byEmail = await findUserByEmail(tx, email);
      if (byEmail?.oidc_subject) return { refused: "sso.conflict" as const, user: byEmail };
      user = byEmail;
    }
    if (user && !user.active) return { refused: "sso.inactive" as const, user };
    if (roles.length === 0) return { refused: "sso.noRole" as const, user };
    if (!user) {
      if (!settings.createUsers) return { refused: "sso.unknown" as const, user: undefined };
      const uiLanguage = typeof claims.locale === "string" && isUiLanguage(claims.locale.slice(0, 2)) ? (claims.locale.slice(0, 2) as UiLanguage) : language;
      const created = await insertUser(tx, { email, display_name: name, roles, ui_language: uiLanguage, password_hash: null, oidc_subject: subject });
      await audit(tx, { id: null, label: "single sign-on" }, { action: "user.created", subjectType: "user", subjectId: created.id, after: { email, displayName: name, roles, via: "oidc" } });
      return { user: created };
    }
    const rolesChanged = [...user.roles].sort().join() !== [...roles].sort().join();
    if (rolesChanged || user.oidc_subject !== subject || user.display_name !== name) {
      const updated = await updateUserFromProvider(tx, user.id, { oidcSubject: subject, roles, displayName: name });
      if (rolesChanged) await audit(tx, { id: null, label: "single sign-on" }, { action: "user.roles_synced", subjectType: "user", subjectId: user.id, before: { roles: user.roles }, after: { roles } });
      return { user: updated };
    }
    return { user };
  });
  if ("refused" in result && result.refused) return await refuse(result.refused, result.refused.replace("sso.", ""), result.user);
  const user = result.user;
  const { token, expiresAt } = await openSession(ctx, user.id);
  await audit(ctx.db, { id: user.id, label: user.display_name }, { action: "auth.signed_in", subjectType: "user", subjectId: user.id, after: { method: "oidc" } });
  return { ok: true, user, sessionToken: token, expiresAt, redirectTo: attempt.data.redirectTo };
}

/** The header that clears the attempt's cookie once it is used. */
export async function clearSignInCookie(ctx: AppContext): Promise<string> {
  return await ssoCookie(ctx).serialize("", { maxAge: 0 });
}
