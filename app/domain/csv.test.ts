import { describe, expect, it } from "vitest";
import { parseCsv, toCsv } from "./csv";

describe("CSV", () => {
  it("reads quotes, doubled quotes, line breaks in quotes, CRLF, a BOM and blank lines", () => {
    expect(parseCsv('\uFEFFslug,fr\r\n"a,b","il dit ""oui""\nsur deux lignes"\r\n\r\nc,d\n')).toEqual([
      ["slug", "fr"],
      ["a,b", 'il dit "oui"\nsur deux lignes'],
      ["c", "d"],
    ]);
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
