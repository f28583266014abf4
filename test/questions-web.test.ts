import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../app/services/context.server";
import { SYSTEM_ACTOR } from "../app/services/audit.server";
import { createUser } from "../app/services/users.server";
import type { RunningWebServer } from "../app/server/web.server";
import { Browserless, signedInClient, startTestServer } from "./setup/web";
import { TEST_PASSWORD } from "./factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  for (const [email, roles] of [
    ["admin@test.be", ["admin"]],
    ["editor@test.be", ["editor"]],
  ] as const) {
    expect((await createUser(ctx, SYSTEM_ACTOR, { email, displayName: email.split("@")[0]!, password: "correct horse battery", roles, uiLanguage: "en" })).ok).toBe(true);
  }
  await t.db
    .insertInto("recurring_questions")
    .values({ slug: "refund-when", label_fr: "Quand serai-je remboursé ?", label_nl: "Wanneer word ik terugbetaald?", keywords_fr: ["remboursement"], keywords_nl: ["terugbetaling"], monthly_volume: 100 })
    .execute();
  server = await startTestServer(ctx);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

const signedIn = (email: string) => signedInClient(server.url, email, TEST_PASSWORD);

const suggest = (client: Browserless | null, body: string, contentType = "application/json") =>
  fetch(`${server.url}/api/v1/tags/suggest`, {
    method: "POST",
    headers: { "content-type": contentType, "accept-language": "en", origin: server.url, ...(client ? { cookie: `cadence_session=${client.cookie("cadence_session")}` } : {}) },
    body,
  });

describe("POST /api/v1/tags/suggest", () => {
  it("answers the ranked questions with scores, matched words and confidence", async () => {
    const client = await signedIn("editor@test.be");
    const r = await suggest(client, JSON.stringify({ text: "Les remboursements arrivent cette semaine", lang: "fr" }));
    expect(r.status).toBe(200);
    const body = (await r.json()) as { lang: string; confident: boolean; suggestions: { slug: string; score: number; matched: string[] }[] };
    expect(body).toMatchObject({ lang: "fr", suggestions: [{ slug: "refund-when", matched: ["remboursements"] }] });
    expect(typeof body.confident).toBe("boolean");
  });

  it("refuses bad requests with problem details in the user's language, never a 500", async () => {
    const client = await signedIn("editor@test.be");
    const cases: [Browserless | null, string, string, number][] = [
      [null, JSON.stringify({ text: "x", lang: "fr" }), "application/json", 401],
      [client, "{ not json", "application/json", 400],
      [client, "text=x", "application/x-www-form-urlencoded", 415],
      [client, JSON.stringify({ text: 12, lang: "de" }), "application/json", 422],
      [client, JSON.stringify([1, 2]), "application/json", 422],
      [client, JSON.stringify({ text: "x".repeat(200_000), lang: "fr" }), "application/json", 413],
    ];
    for (const [who, body, type, status] of cases) {
      const r = await suggest(who, body, type);
      expect(r.status).toBe(status);
      expect(r.headers.get("content-type")).toMatch(/application\/problem\+json/);
      const problem = (await r.json()) as { status: number; title: string };
      expect(problem.status).toBe(status);
      expect(problem.title.length).toBeGreaterThan(3);
    }
    const invalid = (await (await suggest(client, JSON.stringify({ text: 12, lang: "de" }))).json()) as { errors: { field: string; detail: string }[] };
    expect(invalid.errors.find((e) => e.field === "lang")?.detail).toBe("The language must be fr or nl");
    expect((await fetch(`${server.url}/api/v1/tags/suggest`)).status).toBe(405);
  });
});

describe("the questions page", () => {
  it("an admin imports a file; a bad file is refused with its rows listed and changes nothing; an editor reads but cannot change", async () => {
    const admin = await signedIn("admin@test.be");
    const upload = async (client: Browserless, name: string, content: string, intent = "import") => {
      const form = new FormData();
      form.set("intent", intent);
      form.set("file", new Blob([content]), name);
      return await fetch(`${server.url}/questions`, { method: "POST", body: form, redirect: "manual", headers: { cookie: `cadence_session=${client.cookie("cadence_session")}`, origin: server.url } });
    };
    const good = await upload(admin, "q.json", JSON.stringify([{ slug: "ebox", fr: "L'eBox ?", nl: "De eBox?", keywords_fr: ["ebox"], keywords_nl: ["ebox"] }]));
    expect(good.status).toBe(302);
    expect(good.headers.get("location")).toBe("/questions?imported=1-0");

    const bad = await upload(admin, "q.csv", "slug,fr,nl,keywords_fr,keywords_nl\nebox,Changed,Gewijzigd,a,b\nBad Slug,x,y,a,b\n");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/Row 3/);
    const page = await admin.request("/questions");
    expect(page.text).toContain("L&#x27;eBox ?");
    expect(page.text).not.toContain("Changed");

    const volumes = await upload(admin, "v.csv", "question,month,count,note\nebox,2027-01,12,mail me at a.b@example.be\n", "volumes");
    expect(volumes.status).toBe(400);
    expect(await volumes.text()).toMatch(/e-mail address/);

    const editor = await signedIn("editor@test.be");
    expect((await editor.request("/questions")).status).toBe(200);
    expect((await upload(editor, "q.json", "[]")).status).toBe(403);
    expect((await editor.request("/questions/export?format=csv")).text).toMatch(/^\uFEFF?slug,fr,nl/);
    expect((await editor.request("/reports/questions/2027-01")).status).toBe(200);
    expect((await editor.request("/reports/questions/2027-13")).status).toBe(404);
    expect((await editor.request("/reports/questions/2027-01/export?sep=semicolon")).text).toMatch(/^\uFEFF?slug;question_fr/);

    // The suggestions' quality: each question's examples and verdicts for everyone; the evaluation for admins.
    expect((await editor.request("/questions")).text).toContain("0 tagged items");
    const evaluation = await admin.request("/questions", { form: { intent: "evaluate" } });
    expect(evaluation.status).toBe(200);
    expect(evaluation.text).toContain("Too few tagged items to measure");
    expect((await editor.request("/questions", { form: { intent: "evaluate" } })).status).toBe(403);
  });
});
