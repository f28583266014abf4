import type ExcelJS from "exceljs";

/**
 * exceljs loaded on first use: importing it costs about 0.4 s of CPU, which every web process, job
 * and test that loads the server would otherwise pay without ever writing a workbook (decision 0029).
 */
let loading: Promise<typeof ExcelJS> | null = null;

export function loadExcel(): Promise<typeof ExcelJS> {
  loading ??= import("exceljs").then((m) => (m as unknown as { default?: typeof ExcelJS }).default ?? (m as unknown as typeof ExcelJS));
  return loading;
}
