/**
 * CSV as spreadsheets write it (RFC 4180): quoted fields with doubled quotes, line breaks inside
 * quotes, CRLF or LF, a byte-order mark at the start, and ";" as Excel writes it in French and Dutch
 * locales. The separator is detected from the header line when not given.
 */
export function parseCsv(text: string, separator?: "," | ";"): string[][] {
  const input = text.replace(/^\uFEFF/, "");
  const sep = separator ?? detectSeparator(input);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === sep) {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && input[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  // Blank lines (a trailing newline, an empty line between rows) are not rows.
  return rows.filter((r) => r.length > 1 || r[0] !== "");
}

function detectSeparator(text: string): "," | ";" {
  const header = text.slice(0, text.search(/\r?\n|$/));
  return (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ";" : ",";
}

/** One CSV line: fields quoted where needed, so any text survives a round trip. */
export function csvLine(fields: readonly (string | number | null | undefined)[], separator: "," | ";" = ","): string {
  return fields
    .map((value) => {
      const s = value === null || value === undefined ? "" : String(value);
      return s.includes(separator) || /["\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(separator);
}

/** A whole CSV file: header and rows, CRLF line ends, and a byte-order mark so Excel reads UTF-8. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[], separator: "," | ";" = ","): string {
  return `\uFEFF${[header, ...rows].map((r) => csvLine(r, separator)).join("\r\n")}\r\n`;
}
