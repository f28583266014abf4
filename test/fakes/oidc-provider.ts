import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import type { AppConfig, OidcConfig } from "../../app/config.server";
import type { RunningWebServer } from "../../app/server/web.server";
import type { AppContext } from "../../app/services/context.server";
import { startTestServer } from "../setup/web";

/**
 * A real OpenID Connect provider on a free loopback port (the `oidc-provider` package), standing in
 * for an administration's identity provider. Its development sign-in page accepts any password for
 * the accounts below; PKCE is required; the ID token carries e-mail, name and the `groups` claim.
 */
export interface TestAccount {
  email?: string;
  name?: string;
  groups?: string[];
  locale?: string;
}

export interface RunningProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  close(): Promise<void>;
}

export async function startOidcProvider(redirectUri: string, accounts: Record<string, TestAccount>): Promise<RunningProvider> {
  let handler: http.RequestListener = (_req, res) => res.end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const known = new Map(Object.entries(accounts));
  const clientId = "cadence";
  const clientSecret = "cadence-test-secret-0123456789";
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ["authorization_code"], response_types: ["code"] }],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "locale"], groups: ["groups"] },
    scopes: ["openid", "email", "profile", "groups"],
    // The claims travel in the ID token itself (as many enterprise providers configure it).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    cookies: { keys: ["test-provider-cookie-key-0123456789"] },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, id) => {
      const account = known.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, email: account.email, email_verified: true, name: account.name, locale: account.locale, groups: account.groups }),
      };
    },
  });
  const callback = provider.callback();
  handler = (req, res) => void callback(req, res);
  return {
    issuer,
    clientId,
    clientSecret,
    accounts: known,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A test web server with single sign-on on, against a fresh local provider that knows `accounts`
 * (the app reads its configuration on each request); `config` overrides the rest.
 */
export async function startServerWithSso(
  ctx: AppContext,
  accounts: Record<string, TestAccount>,
  config: Partial<AppConfig> = {}
): Promise<{ server: RunningWebServer; provider: RunningProvider }> {
  const server = await startTestServer(ctx);
  const provider = await startOidcProvider(`${server.url}/login/sso/callback`, accounts);
  ctx.config = { ...ctx.config, publicUrl: server.url, oidc: ssoSettingsFor(provider), ...config };
  return { server, provider };
}

/** Cadence's single sign-on settings for this provider: roles from `groups` through the test role map. */
function ssoSettingsFor(provider: RunningProvider): OidcConfig {
  return {
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    scopes: "openid email profile groups",
    rolesClaim: "groups",
    roleMap: { "cadence-editors": "editor", "cadence-approvers": "approver", "cadence-admins": "admin" },
    name: "FinID",
    createUsers: true,
  };
}
