import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../app/server/web.server";
import type { AppContext } from "../app/services/context.server";
import { importPlan, planCsv, planRows, planXlsx, readPlanFile, PLAN_COLUMNS } from "../app/services/spreadsheet.server";
import { parseCsv } from "../app/domain/csv";
import type { Channel, User } from "../db/schema";
import { makeChannel, makeItem, makePasswordUser, makeUser } from "./factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { Browserless, startTestServer } from "./setup/web";

let t: TestDatabase;
let ctx: AppContext;
let editor: User;
let xFr: Channel;
let xNl: Channel;
let server: RunningWebServer;
const NOW = new Date("2030-05-20T08:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db, { now: () => NOW });
  editor = await makeUser(t.db, ["editor"]);
  xFr = await makeChannel(t.db, "x", "fr", "X FR");
  xNl = await makeChannel(t.db, "x", "nl", "X NL");
  await t.db.insertInto("recurring_questions").values({ slug: "refund-when", label_fr: "Remboursement ?", label_nl: "Terugbetaling?", keywords_fr: [], keywords_nl: [], monthly_volume: 10 }).execute();
  for (let day = 1; day <= 5; day++) {
    await makeItem(t.db, editor, { localDate: `2030-06-0${day}`, localTime: "09:00", fr: `Texte du jour ${day}, avec « guillemets » ; et virgules`, nl: `Tekst van dag ${day}`, channelIds: [xFr.id, xNl.id] });
  }
  await makePasswordUser(ctx, { email: "sheet@test.be", displayName: "Sheet", roles: ["editor"] });
  server = await startTestServer(ctx);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

const dbRows = async () => (await planRows(ctx, "2030-06"))!;

describe("the month's plan as a spreadsheet", () => {
  it("CSV and .xlsx exports read back to the same rows, and importing them unchanged changes nothing", async () => {
    const rows = await dbRows();
    expect(rows).toHaveLength(5);
    const csv = planCsv(rows, ";");
    expect(csv.startsWith("\uFEFFid;version;date;time")).toBe(true);
    const fromCsv = await readPlanFile("plan.csv", Buffer.from(csv, "utf8"));
    const fromXlsx = await readPlanFile("plan.xlsx", await planXlsx(rows, "2030-06"));
    for (const grid of [fromCsv!, fromXlsx!]) {
      expect(grid[0]!.slice(0, PLAN_COLUMNS.length)).toEqual([...PLAN_COLUMNS]);
      expect(grid.slice(1).map((r) => r.slice(0, PLAN_COLUMNS.length))).toEqual(rows.map((r) => PLAN_COLUMNS.map((c) => r[c])));
      const result = await importPlan(ctx, editor, grid, { commit: false });
      expect(result.ok && result.changes.map((c) => c.action)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged", "unchanged"]);
    }
  });

  it("three rows changed in Excel and a new one: the preview says so and writes nothing; confirmed, they are written", async () => {
    const rows = await dbRows();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await planXlsx(rows, "2030-06")) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    sheet.getRow(2).getCell(4).value = "10:30"; // time of the first item
    sheet.getRow(3).getCell(7).value = "Texte corrigé"; // French text of the second
    sheet.getRow(4).getCell(11).value = "refund-when"; // a tag on the third
    sheet.addRow(["", "", "2030-06-20", "08:15", "", "X FR | X NL", "Nouveau", "Nieuw", "", "", "", ""]);
    const edited = Buffer.from(await workbook.xlsx.writeBuffer());
    const grid = (await readPlanFile("edited.xlsx", edited))!;

    const preview = await importPlan(ctx, editor, grid, { commit: false });
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.changes.map((c) => [c.action, c.fields])).toEqual([
      ["change", ["time"]],
      ["change", ["fr_text"]],
      ["change", ["tags"]],
      ["unchanged", []],
      ["unchanged", []],
      ["create", []],
    ]);
    expect(await dbRows()).toEqual(rows);

    const done = await importPlan(ctx, editor, grid, { commit: true });
    expect(done.ok).toBe(true);
    const after = await dbRows();
    expect(after).toHaveLength(6);
    expect(after[0]).toMatchObject({ time: "10:30", version: "2" });
    expect(after[1]).toMatchObject({ fr_text: "Texte corrigé" });
    expect(after[2]).toMatchObject({ tags: "refund-when" });
    expect(after[5]).toMatchObject({ id: expect.any(String) as string, date: "2030-06-20", time: "08:15", status: "draft", channels: "X FR | X NL" });
  });

  it("any invalid row — a DST gap, an unknown channel, an old version, a bad date — makes the import do nothing and says which line and why (a past row would be history)", async () => {
    const before = await dbRows();
    const header = [...PLAN_COLUMNS];
    const row = (over: Partial<Record<(typeof PLAN_COLUMNS)[number], string>>) => PLAN_COLUMNS.map((c) => over[c] ?? ({ channels: "X FR | X NL", fr_text: "Bonjour", nl_text: "Hallo", date: "2030-06-25", time: "09:00" } as Record<string, string>)[c] ?? "");
    const grid = [
      header,
      row({ fr_text: "Valide" }),
      row({ date: "2031-03-30", time: "02:30" }),
      row({ date: "2020-01-01" }),
      row({ channels: "Instagram" }),
      row({ id: before[0]!.id, version: "1", fr_text: "Trop tard" }),
      row({ date: "31/02/2030" }),
    ];
    const result = await importPlan(ctx, editor, grid, { commit: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.line, e.field, e.key])).toEqual([
      [3, "localTime", "schedule.nonexistent"],
      [5, "channels", "plan.import.unknownChannel"],
      [6, "", "item.conflict"],
      [7, "localDate", "validation.date"],
    ]);
    expect(result.errors[0]!.params).toEqual({ time: "03:00" });
    expect(await dbRows()).toEqual(before);
  });

  it("over HTTP: export in both formats, upload, preview, confirm; a translator may not import", async () => {
    const client = new Browserless(server.url, { "accept-language": "en" });
    expect((await client.request("/login", { form: { email: "sheet@test.be", password: "correct horse battery", redirectTo: "" } })).status).toBe(302);
    const cookie = `cadence_session=${client.cookie("cadence_session")}`;
    const xlsx = await fetch(`${server.url}/plan/export?month=2030-06&format=xlsx`, { headers: { cookie } });
    expect(xlsx.headers.get("content-type")).toMatch(/spreadsheetml/);
    const csv = await fetch(`${server.url}/plan/export?month=2030-06&format=csv&sep=semicolon`, { headers: { cookie } });
    const csvText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(csvText.charCodeAt(0)).toBe(0xfeff);
    expect(parseCsv(csvText).length).toBe(7);

    const upload = new FormData();
    upload.set("intent", "check");
    upload.set("file", new Blob([csvText.replace("Nouveau", "Nouveau texte")]), "plan.csv");
    const preview = await fetch(`${server.url}/plan/import`, { method: "POST", body: upload, headers: { cookie, origin: server.url } });
    expect(preview.status).toBe(200);
    expect(await preview.text()).toContain("1 changed");
    const confirm = new FormData();
    confirm.set("intent", "confirm");
    confirm.set("grid", JSON.stringify(parseCsv(csvText.replace("Nouveau", "Nouveau texte"))));
    const confirmed = await fetch(`${server.url}/plan/import`, { method: "POST", body: confirm, headers: { cookie, origin: server.url }, redirect: "manual" });
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("location")).toBe("/plan/import?created=0&changed=1");
    expect((await dbRows())[5]).toMatchObject({ fr_text: "Nouveau texte" });
    const forged = new FormData();
    forged.set("intent", "confirm");
    forged.set("grid", '{"not": "a grid"}');
    expect((await fetch(`${server.url}/plan/import`, { method: "POST", body: forged, headers: { cookie, origin: server.url } })).status).toBe(400);
    const bad = new FormData();
    bad.set("intent", "check");
    bad.set("file", new Blob([Buffer.from([0xff, 0xfe, 0x00, 0x41])]), "plan.csv");
    expect((await fetch(`${server.url}/plan/import`, { method: "POST", body: bad, headers: { cookie, origin: server.url } })).status).toBe(400);

    const translator = await makeUser(t.db, ["translator"]);
    expect(await importPlan(ctx, translator, [[...PLAN_COLUMNS]], { commit: true })).toMatchObject({ ok: false, errors: [{ key: "error.forbidden.body" }] });
  });
});
