import Papa from "papaparse";

/**
 * CSV as spreadsheets write it (RFC 4180), read and written by PapaParse: quoted fields with doubled
 * quotes, line breaks inside quotes, CRLF or LF, a byte-order mark at the start, and ";" as Excel
 * writes it in French and Dutch locales.
 *
 * Every file Cadence writes is safe to open in a spreadsheet (decision 0015): a text cell that a
 * spreadsheet would evaluate as a formula (one that starts, after any spaces or apostrophes, with
 * =, +, -, @, a tab, a carriage return or a line feed, or their full-width forms) is written with
 * an apostrophe before it, which Excel and LibreOffice read as "this is text". Reading a file takes
 * that apostrophe off again, so a file exported by Cadence and imported back changes nothing.
 */
const FORMULA_START = /^[\s']*[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;
/** What the writer produced from a cell that FORMULA_START matched: the apostrophe, then the cell. */
const NEUTRALISED = /^'[\s']*[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

export type CsvSeparator = "," | ";";
export type CsvCell = string | number | null | undefined;

/** A text cell as a spreadsheet must show it: never as a formula. Numbers are left as numbers. */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** The text a cell held before `neutraliseFormula` (any other cell is returned as it is). */
export function restoreFormulaText(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

/** The rows of a CSV file, each cell as the text that was exported. The separator is detected from the header line when not given. */
export function parseCsv(text: string, separator?: CsvSeparator): string[][] {
  const input = text.replace(/^\uFEFF/, "");
  const result = Papa.parse<string[]>(input, { delimiter: separator ?? detectSeparator(input), skipEmptyLines: true, header: false });
  return result.data.map((row) => row.map(restoreFormulaText));
}

function detectSeparator(text: string): CsvSeparator {
  const header = text.slice(0, text.search(/\r?\n|$/));
  return (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ";" : ",";
}

/** A whole CSV file: header and rows, CRLF line ends, and a byte-order mark so Excel reads UTF-8. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[], separator: CsvSeparator = ","): string {
  const data = [header, ...rows].map((row) => row.map((cell) => (cell === null || cell === undefined ? "" : cell)));
  const body = Papa.unparse(data, { delimiter: separator, newline: "\r\n", escapeFormulae: FORMULA_START, quotes: false });
  return `\uFEFF${body}\r\n`;
}
