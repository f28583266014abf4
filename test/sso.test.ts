import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../app/config.server";
import type { RunningWebServer } from "../app/server/web.server";
import type { AppContext } from "../app/services/context.server";
import { startServerWithSso, type RunningProvider } from "./fakes/oidc-provider";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { Browserless, signedInClient } from "./setup/web";
import { makePasswordUser, TEST_PASSWORD } from "./factories";

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let provider: RunningProvider;

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  ({ server, provider } = await startServerWithSso(ctx, {
    anne: { email: "anne.peeters@fin.test", name: "Anne Peeters", groups: ["cadence-editors", "all-staff"], locale: "nl-BE" },
    jan: { email: "jan.dubois@fin.test", name: "Jan Dubois", groups: ["cadence-approvers", "cadence-admins"] },
    nobody: { email: "guest@fin.test", name: "Guest", groups: ["all-staff"] },
  }));
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
  await t?.drop();
});

/**
 * Walks the authorization code flow as a browser would, with one cookie jar per site: Cadence's
 * "Sign in with FinID", the provider's sign-in and consent pages, and back. Returns the last
 * Cadence answer and a client holding Cadence's cookies.
 */
async function signInThroughProvider(login: string, options: { tamper?: (callback: URL) => void } = {}) {
  const jars = new Map<string, Map<string, string>>();
  const client = new Browserless(server.url, { "accept-language": "en" });
  let url = `${server.url}/login/sso?redirectTo=%2Fplan`;
  let form: Record<string, string> | undefined;
  const visited: string[] = [];
  for (let hop = 0; hop < 25; hop++) {
    const target = new URL(url);
    visited.push(`${target.origin === server.url ? "cadence" : "provider"} ${target.pathname}`);
    if (target.origin === server.url) {
      if (target.pathname === "/login/sso/callback") options.tamper?.(target);
      const r = await client.request(target.pathname + target.search, form ? { form } : {});
      form = undefined;
      if (r.status >= 300 && r.status < 400 && r.location) {
        url = new URL(r.location, target).href;
        if (new URL(url).origin === server.url && !new URL(url).pathname.startsWith("/login/sso")) return { last: r, landed: url, client, visited };
        continue;
      }
      return { last: r, landed: url, client, visited };
    }
    const jar = jars.get(target.origin) ?? new Map<string, string>();
    jars.set(target.origin, jar);
    const headers: Record<string, string> = {};
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: string | undefined;
    if (form) {
      body = new URLSearchParams(form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const r = await fetch(url, { method: form ? "POST" : "GET", headers, body, redirect: "manual" });
    form = undefined;
    for (const cookie of r.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const eq = pair.indexOf("=");
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    if (r.status >= 300 && r.status < 400) {
      url = new URL(r.headers.get("location")!, url).href;
      continue;
    }
    const html = await r.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`unexpected provider page ${r.status}: ${html.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, "&"), url).href;
    form = html.includes('value="login"') ? { prompt: "login", login, password: "any password" } : { prompt: "consent" };
  }
  throw new Error(`too many redirects: ${visited.join(" → ")}`);
}

describe("single sign-on with OpenID Connect (local provider)", () => {
  it("sends the browser to the provider with PKCE (S256), state and nonce", async () => {
    const client = new Browserless(server.url);
    const r = await client.request("/login/sso");
    expect(r.status).toBe(302);
    const to = new URL(r.location!);
    expect(to.origin).toBe(provider.issuer);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      client_id: "cadence",
      response_type: "code",
      redirect_uri: `${server.url}/login/sso/callback`,
      code_challenge_method: "S256",
      scope: "openid email profile groups",
    });
    expect(to.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(to.searchParams.get("state")).toBeTruthy();
    expect(to.searchParams.get("nonce")).toBeTruthy();
    expect(r.headers.get("set-cookie")).toMatch(/cadence_sso=.*HttpOnly/i);
  });

  it("a first sign-in creates the account with the roles the provider's groups give, and audits it", async () => {
    const { landed, client } = await signInThroughProvider("anne");
    expect(new URL(landed).pathname).toBe("/plan");
    const page = await client.request("/plan");
    expect(page.status).toBe(200);
    const user = await t.db.selectFrom("users").selectAll().where("email", "=", "anne.peeters@fin.test").executeTakeFirstOrThrow();
    expect(user).toMatchObject({ display_name: "Anne Peeters", roles: ["editor"], oidc_subject: "anne", password_hash: null, ui_language: "nl" });
    const events = await t.db.selectFrom("audit_events").select(["action", "after"]).where("subject_id", "=", user.id).orderBy("id").execute();
    expect(events.map((e) => e.action)).toEqual(["user.created", "auth.signed_in"]);
    expect(events[1]!.after).toEqual({ method: "oidc" });
  });

  it("links an existing account by e-mail and makes its roles the provider's, recording the change", async () => {
    const created = await makePasswordUser(ctx, { email: "Jan.Dubois@fin.test", displayName: "J. Dubois", roles: ["viewer"], uiLanguage: "fr" });
    const { landed } = await signInThroughProvider("jan");
    expect(new URL(landed).pathname).toBe("/plan");
    const user = await t.db.selectFrom("users").selectAll().where("id", "=", created.id).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ roles: ["admin", "approver"], oidc_subject: "jan", display_name: "Jan Dubois" });
    // The administrators see who signs in through the provider.
    await makePasswordUser(ctx, { email: "admin@fin.test", displayName: "Admin", roles: ["admin"] });
    const page = await (await signedInClient(server.url, "admin@fin.test", TEST_PASSWORD)).request("/admin/users");
    expect(page.text).toMatch(/Jan Dubois<\/td>.*?Identity provider<\/td>/s);
    expect(page.text).toContain("take its roles and name at each sign-in");
    const synced = await t.db.selectFrom("audit_events").select(["before", "after"]).where("action", "=", "user.roles_synced").where("subject_id", "=", user.id).executeTakeFirstOrThrow();
    expect(synced).toEqual({ before: { roles: ["viewer"] }, after: { roles: ["admin", "approver"] } });
  });

  it("someone the provider gives no Cadence group is refused, told why, and gets no account", async () => {
    const { landed, client } = await signInThroughProvider("nobody");
    expect(landed).toBe(`${server.url}/login?sso=sso.noRole`);
    const page = await client.request("/login?sso=sso.noRole");
    expect(page.text).toContain("Your organisation has not given you a role in Cadence.");
    expect(await t.db.selectFrom("users").select("id").where("email", "=", "guest@fin.test").executeTakeFirst()).toBeUndefined();
    expect((await client.request("/plan")).status).toBe(302);
    const failed = await t.db.selectFrom("audit_events").select("after").where("action", "=", "auth.sign_in_failed").where("actor_label", "=", "guest@fin.test").executeTakeFirstOrThrow();
    expect(failed.after).toEqual({ method: "oidc", reason: "noRole" });
  });

  it("a callback whose state was changed, or that comes without the attempt's cookie, opens no session", async () => {
    const tampered = await signInThroughProvider("anne", { tamper: (callback) => callback.searchParams.set("state", "forged") });
    expect(tampered.landed).toBe(`${server.url}/login?sso=sso.failed`);
    expect((await tampered.client.request("/plan")).status).toBe(302);
    const bare = await new Browserless(server.url).request("/login/sso/callback?code=abc&state=xyz");
    expect(bare.location).toBe("/login?sso=sso.expired");
  });

  it("with password sign-in switched off, the sign-in page offers only the provider and a password is refused", async () => {
    const before = ctx.config;
    ctx.config = { ...ctx.config, passwordSignIn: false };
    try {
      const client = new Browserless(server.url, { "accept-language": "en" });
      const page = await client.request("/login");
      expect(page.text).toContain("Sign in with FinID");
      expect(page.text).not.toContain('name="password"');
      const attempt = await client.request("/login", { form: { email: "jan.dubois@fin.test", password: "correct horse battery", redirectTo: "" } });
      expect(attempt.status).toBe(403);
      expect(attempt.text).toContain("Password sign-in is switched off");
      expect(attempt.headers.get("set-cookie") ?? "").not.toContain("cadence_session=");
    } finally {
      ctx.config = before;
    }
    expect(() => loadConfig({ NODE_ENV: "test", CADENCE_DEMO: "true", CADENCE_DATA_DIR: "/tmp/cadence-sso-config", PASSWORD_SIGN_IN: "false" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "test", CADENCE_DEMO: "true", CADENCE_DATA_DIR: "/tmp/cadence-sso-config", OIDC_ISSUER: "https://id.fin.test", OIDC_CLIENT_ID: "c", OIDC_ROLE_MAP: "nonsense" })).toThrow(/OIDC_ROLE_MAP/);
  });
});
