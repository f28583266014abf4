import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../app/services/context.server";
import {
  exportQuestionsCsv,
  exportQuestionsJson,
  gapQuestions,
  importQuestionVolumes,
  importQuestions,
  monthQuestionCoverage,
  coverageCsv,
  saveQuestion,
  suggestTags,
} from "../app/services/questions.server";
import { parseCsv } from "../app/domain/csv";
import type { User } from "../db/schema";
import { makeChannel, makeItem, makeUser } from "./factories";
import { createTestDatabase, processEnv, testContext, type TestDatabase } from "./setup/database";

let t: TestDatabase;
let ctx: AppContext;
let admin: User;
let editor: User;

const file = [
  { slug: "refund-when", fr: "Quand serai-je remboursé ?", nl: "Wanneer word ik terugbetaald?", keywords_fr: ["remboursement", "trop payé"], keywords_nl: ["terugbetaling"], volume: 1800, url_fr: "https://finances.belgium.be/fr/rembours", url_nl: "https://financien.belgium.be/nl/terugbetaling" },
  { slug: "myminfin-login", fr: "Comment me connecter à MyMinfin ?", nl: "Hoe meld ik me aan op MyMinfin?", keywords_fr: ["myminfin", "itsme"], keywords_nl: ["myminfin", "aanmelden"], volume: 900 },
  { slug: "ebox", fr: "Qu'est-ce que l'eBox ?", nl: "Wat is de eBox?", keywords_fr: ["ebox"], keywords_nl: ["ebox"] },
];

const questionCount = async () => Number((await t.db.selectFrom("recurring_questions").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  admin = await makeUser(t.db, ["admin"]);
  editor = await makeUser(t.db, ["editor"]);
});
afterAll(async () => {
  await t?.drop();
});

describe("importing and exporting the list", () => {
  it("imports JSON, exports it unchanged, and the CSV export imports back to the same list", async () => {
    expect(await importQuestions(ctx, admin, { format: "json", content: JSON.stringify(file) })).toEqual({ ok: true, created: 3, updated: 0 });
    const json = JSON.parse(await exportQuestionsJson(ctx)) as unknown[];
    const noAnswers = { answer_fr: null, answer_nl: null };
    expect(json).toEqual(expect.arrayContaining([{ ...file[0], ...noAnswers }, { ...file[1], url_fr: null, url_nl: null, ...noAnswers }, { ...file[2], volume: 0, url_fr: null, url_nl: null, ...noAnswers }]));

    const csv = await exportQuestionsCsv(ctx, ";");
    expect(csv.startsWith("\uFEFFslug;fr;nl")).toBe(true);
    // Change a label in the CSV and import it back: the slug that exists is updated.
    const edited = csv.replace("Qu'est-ce que l'eBox ?", "Comment activer mon eBox ?");
    expect(await importQuestions(ctx, admin, { format: "csv", content: edited })).toEqual({ ok: true, created: 0, updated: 3 });
    const after = JSON.parse(await exportQuestionsJson(ctx)) as { slug: string; fr: string }[];
    expect(after.find((q) => q.slug === "ebox")?.fr).toBe("Comment activer mon eBox ?");
    expect(after.map((q) => q.slug).sort()).toEqual(json.map((q) => (q as { slug: string }).slug).sort());
  });

  it("a file with one bad row changes nothing and lists every error by row and field", async () => {
    const before = await exportQuestionsJson(ctx);
    const bad = [
      { ...file[0], fr: "Changé" },
      { slug: "Not A Slug", fr: "", nl: "x", keywords_fr: "not-a-list", keywords_nl: [] },
      { ...file[2], volume: -3, colour: "red" },
    ];
    const result = await importQuestions(ctx, admin, { format: "json", content: JSON.stringify(bad) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.row, e.field, e.key])).toEqual(
      expect.arrayContaining([
        [2, "slug", "questions.error.slug"],
        [2, "fr", "validation.required"],
        [2, "keywords_fr", "questions.error.keywords"],
        [3, "volume", "questions.error.volume"],
        [3, "colour", "questions.error.unknownField"],
      ]),
    );
    expect(await exportQuestionsJson(ctx)).toBe(before);

    const csvBad = "slug,fr,nl,keywords_fr,keywords_nl,volume\nok-one,Oui,Ja,a,b,1\nok-one,Oui,Ja,a,b,x\n";
    const csvResult = await importQuestions(ctx, admin, { format: "csv", content: csvBad });
    expect(csvResult.ok ? [] : csvResult.errors.map((e) => [e.row, e.field, e.key])).toEqual([
      [3, "volume", "questions.error.volume"],
    ]);
    expect(await questionCount()).toBe(3);
    expect(await importQuestions(ctx, admin, { format: "json", content: "{ not json" })).toMatchObject({ ok: false, errors: [{ key: "questions.error.notJson" }] });
  });

  it("only an admin manages the list; an editor's import is refused", async () => {
    expect(await importQuestions(ctx, editor, { format: "json", content: JSON.stringify(file) })).toMatchObject({ ok: false, errors: [{ key: "error.forbidden.body" }] });
    expect(await saveQuestion(ctx, editor, { slug: "x", fr: "x", nl: "x", keywordsFr: "", keywordsNl: "", volume: "1", urlFr: "", urlNl: "" })).toMatchObject({ ok: false });
    const saved = await saveQuestion(ctx, admin, { slug: "new-one", fr: "Nouveau", nl: "Nieuw", keywordsFr: "un\ndeux, trois", keywordsNl: "een", volume: "5", urlFr: "", urlNl: "" });
    expect(saved.ok).toBe(true);
    expect(await saveQuestion(ctx, admin, { slug: "new-one", fr: "Doublon", nl: "Dubbel", keywordsFr: "", keywordsNl: "", volume: "1", urlFr: "", urlNl: "" })).toMatchObject({
      ok: false,
      errors: { slug: { key: "questions.error.slugTaken" } },
    });
  });
});

describe("question volumes from the contact center", () => {
  it("imports counts by slug or label; a cell with personal data stops the file unless dropped, and is never stored", async () => {
    const content = [
      "question;month;count;comment",
      "refund-when;2027-03;2400;",
      "Comment me connecter à MyMinfin ?;2027-03;1 200;rappeler jan.peeters@example.be",
      "ebox;2027-03;300;client 85.07.30-033.28",
    ].join("\n");
    const refused = await importQuestionVolumes(ctx, admin, { content, redact: false });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.personalData).toEqual([
      { row: 3, column: "comment", kinds: ["email"] },
      { row: 4, column: "comment", kinds: ["national_number"] },
    ]);
    expect(await t.db.selectFrom("question_volumes").selectAll().execute()).toEqual([]);

    const imported = await importQuestionVolumes(ctx, admin, { content, redact: true });
    expect(imported).toMatchObject({ ok: true, imported: 3, months: ["2027-03"] });
    const stored = await t.db.selectFrom("question_volumes").selectAll().execute();
    expect(stored.map((r) => r.count).sort((a, b) => a - b)).toEqual([300, 1200, 2400]);
    expect(JSON.stringify(await t.db.selectFrom("audit_events").select(["before", "after"]).execute())).not.toMatch(/example\.be|85\.07/);

    const wrong = await importQuestionVolumes(ctx, admin, { content: "question,month,count\nnobody,2027-13,12a\n", redact: true });
    expect(wrong.ok ? [] : wrong.errors.map((e) => [e.row, e.field])).toEqual([
      [2, "question"],
      [2, "month"],
      [2, "count"],
    ]);
  });
});

describe("the month's coverage and the suggestions", () => {
  it("counts planned and published posts by language against the volume, and flags a high volume with no post", async () => {
    const channel = await makeChannel(t.db, "outbox", "bilingual");
    const ids = Object.fromEntries((await t.db.selectFrom("recurring_questions").select(["slug", "id"]).execute()).map((q) => [q.slug, q.id]));
    const both = await makeItem(t.db, editor, { localDate: "2027-03-05", channelIds: [channel.id] });
    const frOnly = await makeItem(t.db, editor, { localDate: "2027-03-06", nl: null, channelIds: [channel.id] });
    const archived = await makeItem(t.db, editor, { localDate: "2027-03-07", status: "archived", channelIds: [channel.id] });
    const april = await makeItem(t.db, editor, { localDate: "2027-04-01", channelIds: [channel.id] });
    await t.db
      .insertInto("item_tags")
      .values([both, frOnly, archived, april].map((i) => ({ content_item_id: i.id, recurring_question_id: ids["myminfin-login"]! })))
      .execute();
    const variant = await t.db.selectFrom("variants").select("id").where("content_item_id", "=", both.id).where("language", "=", "fr").executeTakeFirstOrThrow();
    await t.db
      .insertInto("publications")
      .values({ content_item_id: both.id, variant_id: variant.id, channel_id: channel.id, languages: "fr+nl", state: "published", due_at: new Date(), next_attempt_at: new Date(), deadline_at: new Date() })
      .execute();

    const rows = (await monthQuestionCoverage(ctx, "2027-03"))!;
    const login = rows.find((r) => r.slug === "myminfin-login")!;
    expect(login).toMatchObject({ volume: 1200, planned: { fr: 2, nl: 1 }, published: { fr: 1, nl: 1 }, postShare: 1, flagged: false });
    const refund = rows.find((r) => r.slug === "refund-when")!;
    expect(refund).toMatchObject({ volume: 2400, planned: { fr: 0, nl: 0 }, flagged: true });
    expect(refund.volumeShare).toBeCloseTo(2400 / (2400 + 1200 + 300 + 5), 5);
    const csv = parseCsv(coverageCsv(rows));
    expect(csv[0]).toEqual(["slug", "question_fr", "question_nl", "volume", "volume_share", "planned_fr", "planned_nl", "published_fr", "published_nl", "post_share", "flagged"]);
    expect(csv.find((r) => r[0] === "refund-when")?.[10]).toBe("yes");

    // An empty day in March: the uncovered high-volume question first.
    const gaps = await gapQuestions(ctx, "2027-03-20");
    expect(gaps[0]?.slug).toBe("refund-when");
    expect(gaps.find((g) => g.slug === "myminfin-login")?.daysSince).toBe(14);
  });

  it("suggests from the stored list, in either language, and validates its input", async () => {
    const fr = await suggestTags(ctx, { text: "Les remboursements arrivent", lang: "fr" });
    expect(fr.ok && fr.result.suggestions[0]?.slug).toBe("refund-when");
    const nl = await suggestTags(ctx, { text: "Aanmelden op MyMinfin met itsme", lang: "nl" });
    expect(nl.ok && nl.result).toMatchObject({ lang: "nl", suggestions: [{ slug: "myminfin-login" }] });
    expect(await suggestTags(ctx, { text: 42, lang: "de" })).toMatchObject({ ok: false, errors: { text: {}, lang: { key: "questions.error.lang" } } });
  });
});

describe("the command line", () => {
  const run = (script: string, args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", path.resolve(script), ...args], { env: processEnv(t.url) });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });

  it("questions:import imports a file, and refuses a bad one listing its errors; tags:suggest prints the API's JSON", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-questions-"));
    const good = path.join(dir, "questions.json");
    fs.writeFileSync(good, JSON.stringify([{ slug: "cli-question", fr: "Déclaration d'impôt en ligne", nl: "Belastingaangifte online", keywords_fr: ["déclaration"], keywords_nl: ["aangifte"] }]));
    const imported = await run("app/cli/questions-import.ts", [good]);
    expect(imported.stdout).toMatch(/1 questions added, 0 updated/);
    expect(imported.code).toBe(0);

    const bad = path.join(dir, "bad.csv");
    fs.writeFileSync(bad, "slug,fr,nl,keywords_fr,keywords_nl\nBAD SLUG,,Ja,a,b\n");
    const refused = await run("app/cli/questions-import.ts", [bad]);
    expect(refused.code).toBe(65);
    expect(refused.stderr).toMatch(/row 2, slug: Lowercase letters/);
    expect(refused.stderr).toMatch(/row 2, fr: /);

    const suggested = await run("app/cli/tags-suggest.ts", ["--lang", "nl", "Alle aangiftes zijn binnen"]);
    expect(suggested.code).toBe(0);
    const json = JSON.parse(suggested.stdout) as { lang: string; confident: boolean; suggestions: { slug: string; score: number; matched: string[] }[] };
    expect(json.lang).toBe("nl");
    expect(json.suggestions.map((s) => s.slug)).toContain("cli-question");
    expect(json.suggestions.find((s) => s.slug === "cli-question")?.matched).toEqual(["aangiftes"]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
