import type ExcelJS from "exceljs";
import { loadExcel } from "./excel.server";
import { listItemsWithTexts } from "../../db/repositories/content-items";
import { listChannels } from "../../db/repositories/channels";
import { findItemDetail } from "../../db/repositories/content-items";
import { listRecurringQuestions } from "../../db/repositories/recurring-questions";
import { parseCsv, toCsv } from "../domain/csv";
import { can } from "../domain/permissions";
import { brusselsMonthRange, resolveLocalTime } from "../domain/time/brussels";
import type { MessageKey } from "../i18n";
import type { User } from "../../db/schema";
import { importHistoryItem, saveItem } from "./content-items.server";
import type { AppContext } from "./context.server";

/**
 * A month's plan as a spreadsheet, and back. One row per item (the FR/NL pair): its id and version
 * (empty for a new item), Brussels date and time, channels and tags by name, both texts and links,
 * its status, and each version's images and videos by file name (shown, never imported: an import
 * uploads no files and leaves the visuals as they are). Lists inside a cell are separated by " | ".
 */
export const PLAN_COLUMNS = ["id", "version", "date", "time", "occurrence", "channels", "fr_text", "nl_text", "fr_link", "nl_link", "tags", "status", "fr_media", "nl_media"] as const;
const LIST = " | ";

export type PlanRow = Record<(typeof PLAN_COLUMNS)[number], string>;

export async function planRows(ctx: AppContext, month: string): Promise<PlanRow[] | null> {
  const range = brusselsMonthRange(month);
  if (!range) return null;
  const [items, channels] = await Promise.all([listItemsWithTexts(ctx.db, range, { channelIds: [], statuses: [], tagSlugs: [] }, 10_000), listChannels(ctx.db)]);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  return items.map((i) => ({
    id: i.id,
    version: String(i.version),
    date: i.local_date,
    time: i.local_time,
    occurrence: i.occurrence === "second" ? "second" : "",
    channels: i.channel_ids
      .map((id) => channelName.get(id) ?? id)
      .sort((a, b) => a.localeCompare(b))
      .join(LIST),
    fr_text: i.fr_text ?? "",
    nl_text: i.nl_text ?? "",
    fr_link: i.fr_link ?? "",
    nl_link: i.nl_link ?? "",
    tags: i.tag_slugs.join(LIST),
    status: i.status,
    fr_media: (i.fr_media ?? []).join(LIST),
    nl_media: (i.nl_media ?? []).join(LIST),
  }));
}

export function planCsv(rows: readonly PlanRow[], separator: "," | ";"): string {
  return toCsv(PLAN_COLUMNS, rows.map((r) => PLAN_COLUMNS.map((c) => r[c])), separator);
}

export async function planXlsx(rows: readonly PlanRow[], month: string): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = "Cadence";
  const sheet = workbook.addWorksheet(month);
  sheet.columns = PLAN_COLUMNS.map((c) => ({ header: c, key: c, width: c.endsWith("_text") ? 60 : c === "id" ? 38 : 14 }));
  // Every cell as text: Excel must not turn a date, a time or a version into a number of its own.
  for (const r of rows) sheet.addRow(PLAN_COLUMNS.map((c) => r[c]));
  sheet.eachRow((row) => row.eachCell((cell) => (cell.numFmt = "@")));
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The cells of an uploaded file, CSV or .xlsx (its first sheet), as text. */
export async function readPlanFile(name: string, bytes: Buffer): Promise<string[][] | null> {
  if (/\.xlsx$/i.test(name) || (bytes[0] === 0x50 && bytes[1] === 0x4b)) {
    try {
      const workbook = new (await loadExcel()).Workbook();
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      if (!sheet) return [];
      const grid: string[][] = [];
      sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
        const cells: string[] = [];
        for (let c = 1; c <= PLAN_COLUMNS.length + 5; c++) cells.push(cellText(row.getCell(c).value));
        grid[rowNumber - 1] = cells;
      });
      return Array.from(grid, (r) => r ?? []);
    } catch {
      return null;
    }
  }
  const text = bytes.toString("utf8");
  if (text.includes("\uFFFD")) return null;
  return parseCsv(text);
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("text" in value) return String(value.text);
    if ("result" in value) {
      const result: unknown = value.result;
      return typeof result === "string" || typeof result === "number" || typeof result === "boolean" ? String(result) : result instanceof Date ? result.toISOString().slice(0, 10) : "";
    }
    return "";
  }
  return String(value);
}

export interface PlanChange {
  line: number;
  action: "create" | "change" | "unchanged" | "history";
  id: string | null;
  date: string;
  time: string;
  /** The fields that differ from the item as it is (for a change). */
  fields: string[];
  frText: string;
}

export interface PlanImportError {
  line: number;
  field: string;
  key: MessageKey;
  params?: Record<string, string | number>;
}

export type PlanImportResult = { ok: true; committed: boolean; changes: PlanChange[] } | { ok: false; errors: PlanImportError[] };

class Rollback extends Error {}

const DATE_DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/**
 * Checks a plan file row by row with the editor's own rules — in a transaction that is rolled back
 * unless `commit` is set and every row passed. The preview is therefore exactly what the import
 * will do; any invalid row makes the import do nothing, and says which line and why.
 */
export async function importPlan(ctx: AppContext, user: User, grid: string[][], options: { commit: boolean }): Promise<PlanImportResult> {
  if (!can(user.roles, "item.write")) return { ok: false, errors: [{ line: 0, field: "", key: "error.forbidden.body" }] };
  const header = (grid[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = ["date", "time", "channels", "fr_text", "nl_text"].filter((c) => !header.includes(c));
  if (grid.length === 0 || missing.length > 0) return { ok: false, errors: missing.map((c) => ({ line: 1, field: c, key: "questions.error.missingColumn" as const })) };
  if (grid.length > 5_001) return { ok: false, errors: [{ line: 0, field: "", key: "questions.error.tooMany", params: { max: 5000 } }] };
  const col = (cells: string[], name: string) => (header.includes(name) ? (cells[header.indexOf(name)] ?? "").trim() : "");

  const [channels, questions] = await Promise.all([listChannels(ctx.db), listRecurringQuestions(ctx.db)]);
  const channelByName = new Map(channels.filter((c) => c.active).map((c) => [c.name.toLowerCase(), c.id]));
  const questionBySlug = new Map(questions.map((q) => [q.slug, q.id]));
  const errors: PlanImportError[] = [];
  const changes: PlanChange[] = [];

  try {
    await ctx.db.transaction().execute(async (tx) => {
      const txCtx = { ...ctx, db: tx };
      for (let index = 1; index < grid.length; index++) {
        const cells = grid[index]!;
        const line = index + 1;
        if (cells.every((c) => c.trim() === "")) continue;
        const id = col(cells, "id") || null;
        let date = col(cells, "date");
        const dmy = DATE_DMY.exec(date);
        if (dmy) date = `${dmy[3]}-${dmy[2]!.padStart(2, "0")}-${dmy[1]!.padStart(2, "0")}`;
        const time = col(cells, "time").replace(/^(\d):/, "0$1:").slice(0, 5);
        const rowErrors: PlanImportError[] = [];
        const channelIds: string[] = [];
        for (const name of col(cells, "channels").split("|").map((n) => n.trim()).filter(Boolean)) {
          const found = channelByName.get(name.toLowerCase());
          if (found) channelIds.push(found);
          else rowErrors.push({ line, field: "channels", key: "plan.import.unknownChannel", params: { name } });
        }
        const tagIds: string[] = [];
        for (const slug of col(cells, "tags").split("|").map((n) => n.trim()).filter(Boolean)) {
          const found = questionBySlug.get(slug);
          if (found) tagIds.push(found);
          else rowErrors.push({ line, field: "tags", key: "questions.error.unknownQuestion", params: { value: slug } });
        }
        if (id && !/^[0-9a-f-]{36}$/i.test(id)) rowErrors.push({ line, field: "id", key: "api.error.notFound" });
        if (rowErrors.length > 0) {
          errors.push(...rowErrors);
          continue;
        }
        const input = {
          version: id ? col(cells, "version") || "0" : undefined,
          localDate: date,
          localTime: time,
          occurrence: col(cells, "occurrence") === "second" ? "second" : undefined,
          frText: col(cells, "fr_text"),
          nlText: col(cells, "nl_text"),
          frLink: col(cells, "fr_link"),
          nlLink: col(cells, "nl_link"),
          frAlt: "",
          nlAlt: "",
          channelIds,
          tagIds,
        };
        const before = id ? await findItemDetail(tx, id) : undefined;
        if (id && !before) {
          errors.push({ line, field: "id", key: "api.error.notFound" });
          continue;
        }
        if (before) {
          // The alt texts are not in the sheet: they are kept as they are.
          const variant = (lang: "fr" | "nl") => before.variants.find((v) => v.language === lang);
          input.frAlt = variant("fr")?.imageAlt ?? "";
          input.nlAlt = variant("nl")?.imageAlt ?? "";
          const fields: string[] = [];
          if (before.item.local_date !== input.localDate) fields.push("date");
          if (before.item.local_time !== input.localTime) fields.push("time");
          if ((variant("fr")?.text ?? "") !== input.frText) fields.push("fr_text");
          if ((variant("nl")?.text ?? "") !== input.nlText) fields.push("nl_text");
          if ((variant("fr")?.linkUrl ?? "") !== input.frLink) fields.push("fr_link");
          if ((variant("nl")?.linkUrl ?? "") !== input.nlLink) fields.push("nl_link");
          if ([...before.channelIds].sort().join() !== [...channelIds].sort().join()) fields.push("channels");
          if ([...before.tagIds].sort().join() !== [...tagIds].sort().join()) fields.push("tags");
          if (fields.length === 0) {
            changes.push({ line, action: "unchanged", id, date, time, fields, frText: input.frText });
            continue;
          }
          const saved = await saveItem(txCtx, user, id, { ...input, sourceLanguage: before.item.source_language }, { inTransaction: true });
          if (!saved.ok) {
            for (const [field, e] of Object.entries(saved.errors)) if (e) errors.push({ line, field: field === "_form" ? "" : field, key: e.key, params: e.params });
            continue;
          }
          changes.push({ line, action: "change", id, date, time, fields, frText: input.frText });
          continue;
        }
        // A past post (last year's plan) comes in as history: published, never sent, teaching the suggestions.
        const when = resolveLocalTime(date, time);
        const history = when.ok && when.scheduledAt.getTime() <= ctx.now().getTime();
        const saved = history
          ? await importHistoryItem(txCtx, user, { ...input, sourceLanguage: input.frText ? "fr" : "nl" })
          : await saveItem(txCtx, user, null, { ...input, sourceLanguage: input.frText ? "fr" : "nl" }, { inTransaction: true });
        if (!saved.ok) {
          for (const [field, e] of Object.entries(saved.errors)) if (e) errors.push({ line, field: field === "_form" ? "" : field, key: e.key, params: e.params });
          continue;
        }
        changes.push({ line, action: history ? "history" : "create", id: null, date, time, fields: [], frText: input.frText });
      }
      if (errors.length > 0 || !options.commit) throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, committed: options.commit, changes };
}
