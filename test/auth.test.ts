import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../app/server/web.server";
import { createUser } from "../app/services/users.server";
import type { AppContext } from "../app/services/context.server";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { Browserless, startTestServer } from "./setup/web";

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;

const SYSTEM = { id: null, label: "test" };

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  for (const [email, roles, uiLanguage] of [
    ["editor@test.be", ["editor"], "fr"],
    ["translator@test.be", ["translator"], "nl"],
    ["admin@test.be", ["admin"], "en"],
  ] as const) {
    const r = await createUser(ctx, SYSTEM, { email, displayName: email.split("@")[0], password: "correct horse battery", roles, uiLanguage });
    expect(r.ok).toBe(true);
  }
  server = await startTestServer(ctx);
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

async function signIn(client: Browserless, email: string, password = "correct horse battery") {
  return await client.request("/login", { form: { email, password, redirectTo: "" } });
}

async function auditActions(): Promise<string[]> {
  const rows = await t.db.selectFrom("audit_events").select("action").orderBy("id").execute();
  return rows.map((r) => r.action);
}

describe("sign-in", () => {
  it("an unauthenticated visit to a page goes to the sign-in page and comes back after", async () => {
    const client = new Browserless(server.url);
    const visit = await client.request("/plan?month=2026-12");
    expect(visit.status).toBe(302);
    expect(visit.location).toBe("/login?redirectTo=%2Fplan%3Fmonth%3D2026-12");
    const login = await client.request("/login", { form: { email: "editor@test.be", password: "correct horse battery", redirectTo: "/plan?month=2026-12" } });
    expect(login.status).toBe(302);
    expect(login.location).toBe("/plan?month=2026-12");
  });

  it("succeeds with the right password: an HttpOnly, SameSite=Lax session cookie and the app shell", async () => {
    const client = new Browserless(server.url);
    const response = await signIn(client, "EDITOR@test.be");
    expect(response.status).toBe(302);
    expect(response.location).toBe("/calendar");
    const setCookie = response.headers.getSetCookie().join("\n");
    expect(setCookie).toMatch(/cadence_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const page = await client.request("/plan");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Se déconnecter");
    expect(page.text).toContain('lang="fr"');
    expect(await auditActions()).toContain("auth.signed_in");
  });

  it("fails with a wrong password with the same message as for an unknown e-mail, and no session", async () => {
    const wrongPassword = new Browserless(server.url, { "accept-language": "en" });
    const unknownEmail = new Browserless(server.url, { "accept-language": "en" });
    const a = await signIn(wrongPassword, "editor@test.be", "wrong password!!");
    const b = await signIn(unknownEmail, "nobody@test.be", "wrong password!!");
    for (const r of [a, b]) {
      expect(r.status).toBe(200);
      expect(r.text).toContain("The e-mail address or password is incorrect.");
      expect(r.headers.getSetCookie().join("")).not.toMatch(/cadence_session=[^;]/);
    }
    expect(wrongPassword.cookie("cadence_session")).toBeUndefined();
    expect((await auditActions()).filter((a) => a === "auth.sign_in_failed").length).toBeGreaterThanOrEqual(2);
  });

  it("refuses malformed sign-in input with the same message, never a 500", async () => {
    const client = new Browserless(server.url, { "accept-language": "nl" });
    const forms: Record<string, string>[] = [{}, { email: "" }, { email: "x".repeat(5000), password: "y" }, { email: "a@b.be", password: "" }];
    for (const form of forms) {
      const r = await client.request("/login", { form });
      expect(r.status).toBe(200);
      expect(r.text).toContain("Het e-mailadres of het wachtwoord is onjuist.");
    }
  });

  it("sign-out ends the session on the server: the old cookie no longer works", async () => {
    const client = new Browserless(server.url);
    await signIn(client, "editor@test.be");
    const stolen = client.cookie("cadence_session")!;
    const out = await client.request("/logout", { form: {} });
    expect(out.status).toBe(302);
    expect(out.location).toBe("/login?signedOut=1");
    expect(client.cookie("cadence_session")).toBeUndefined();
    expect((await client.request("/plan")).status).toBe(302);
    const replay = new Browserless(server.url);
    replay.setCookie("cadence_session", stolen);
    expect((await replay.request("/plan")).location).toMatch(/^\/login/);
  });

  it("never redirects off-site after sign-in", async () => {
    const client = new Browserless(server.url);
    for (const target of ["//evil.example/x", "https://evil.example", "/\\evil.example"]) {
      const r = await client.request("/login", { form: { email: "editor@test.be", password: "correct horse battery", redirectTo: target } });
      expect(r.location).toBe("/calendar");
    }
  });
});

describe("roles", () => {
  it("a translator opening an admin page gets a 403 page in their language, not a crash", async () => {
    const client = new Browserless(server.url);
    await signIn(client, "translator@test.be");
    const page = await client.request("/admin/users");
    expect(page.status).toBe(403);
    expect(page.text).toContain("Geen toegang");
    expect(page.text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it("a translator posting to an admin action gets 403 and nothing is written", async () => {
    const client = new Browserless(server.url);
    await signIn(client, "translator@test.be");
    const before = await t.db.selectFrom("users").select("id").execute();
    const r = await client.request("/admin/users", {
      form: { displayName: "Intruder", email: "intruder@test.be", password: "long enough password", roles: ["admin"], uiLanguage: "fr" },
    });
    expect(r.status).toBe(403);
    expect(await t.db.selectFrom("users").select("id").execute()).toHaveLength(before.length);
  });

  it("an admin sees the users and can add one; bad input gets translated field errors and saves nothing", async () => {
    const client = new Browserless(server.url);
    await signIn(client, "admin@test.be");
    const page = await client.request("/admin/users");
    expect(page.status).toBe(200);
    expect(page.text).toContain("translator@test.be");
    const bad = await client.request("/admin/users", {
      form: { displayName: "", email: "not-an-email", password: "short", uiLanguage: "de" },
    });
    expect(bad.status).toBe(200);
    expect(bad.text).toContain("The form has errors. Nothing was saved.");
    expect(bad.text).toContain("Enter a valid e-mail address.");
    expect(bad.text).toContain("The password must have at least 12 characters.");
    expect(bad.text).toContain("Choose at least one role.");
    expect(bad.text).toContain("Choose French, Dutch or English.");
    expect(await t.db.selectFrom("users").select("id").where("email", "=", "not-an-email").execute()).toHaveLength(0);
    const good = await client.request("/admin/users", {
      form: { displayName: "Anne Peeters", email: "anne@test.be", password: "long enough password", roles: ["editor", "approver"], uiLanguage: "nl" },
    });
    expect(good.status).toBe(200);
    expect(good.text).toContain("Anne Peeters can now sign in.");
    const anne = await t.db.selectFrom("users").selectAll().where("email", "=", "anne@test.be").executeTakeFirstOrThrow();
    expect(anne.roles).toEqual(["editor", "approver"]);
    expect(anne.password_hash).toMatch(/^\$argon2id\$/);
  });

  it("an unknown page inside the app is a translated 404", async () => {
    const client = new Browserless(server.url, { "accept-language": "en" });
    await signIn(client, "admin@test.be");
    const r = await client.request("/no/such/page");
    expect(r.status).toBe(404);
    expect(r.text).toContain("Page not found");
  });
});

describe("interface language", () => {
  it("defaults from Accept-Language before sign-in, then follows the user's setting", async () => {
    const client = new Browserless(server.url, { "accept-language": "nl-BE,nl;q=0.9" });
    expect((await client.request("/login")).text).toContain("Aanmelden bij Cadence");
    await signIn(client, "editor@test.be");
    expect((await client.request("/plan")).text).toContain("Plan du mois");
    const switched = await client.request("/language", { form: { lang: "en", redirectTo: "/plan" } });
    expect(switched.location).toBe("/plan");
    expect((await client.request("/plan")).text).toContain("Month plan");
    const editor = await t.db.selectFrom("users").select("ui_language").where("email", "=", "editor@test.be").executeTakeFirstOrThrow();
    expect(editor.ui_language).toBe("en");
    await client.request("/language", { form: { lang: "fr", redirectTo: "/plan" } });
  });

  it("refuses a state-changing request from another site, in the user's language, and changes nothing", async () => {
    const client = new Browserless(server.url, { "accept-language": "nl" });
    await signIn(client, "editor@test.be");
    const cookie = `cadence_session=${client.cookie("cadence_session")}`;
    const before = await t.db.selectFrom("users").select("ui_language").where("email", "=", "editor@test.be").executeTakeFirstOrThrow();
    for (const origin of ["https://evil.example", undefined]) {
      const r = await fetch(`${server.url}/language`, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded", "accept-language": "nl", ...(origin ? { origin } : {}) },
        body: "lang=en",
        redirect: "manual",
      });
      expect(r.status).toBe(403);
      expect(await r.text()).toMatch(/kwam niet van een pagina van Cadence/);
    }
    // A Referer from this site is enough when a browser sends no Origin.
    const viaReferer = await fetch(`${server.url}/logout`, { method: "POST", headers: { cookie, referer: `${server.url}/plan` }, redirect: "manual" });
    expect(viaReferer.status).toBe(302);
    expect((await t.db.selectFrom("users").select("ui_language").where("email", "=", "editor@test.be").executeTakeFirstOrThrow()).ui_language).toBe(before.ui_language);
  });

  it("throttles sign-in after five failures on an account, with the right password too, and says when to come back", async () => {
    await createUser(ctx, SYSTEM, { email: "target@test.be", displayName: "Target", password: "correct horse battery", roles: ["viewer"], uiLanguage: "en" });
    const client = new Browserless(server.url, { "accept-language": "en" });
    for (let i = 0; i < 5; i++) expect((await signIn(client, "TARGET@test.be", `wrong password ${i}!`)).status).toBe(200);
    const blocked = await signIn(client, "target@test.be");
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain("Too many failed attempts");
    expect(client.cookie("cadence_session")).toBeUndefined();
    // Another account from another address is not affected.
    expect((await signIn(new Browserless(server.url, { "x-forwarded-for": "10.0.0.9" }), "editor@test.be")).status).toBe(302);
    const failures = await t.db.selectFrom("audit_events").select("after").where("action", "=", "auth.sign_in_failed").where("actor_label", "ilike", "target@test.be").execute();
    expect(failures).toHaveLength(5);
    expect(failures.every((f) => (f.after as { address?: string } | null)?.address)).toBe(true);
  });
});
