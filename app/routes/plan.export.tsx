import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "../services/session.server";
import { planCsv, planRows, planXlsx } from "../services/spreadsheet.server";

/** /plan/export?month=2026-12&format=csv|xlsx[&sep=semicolon] — the month's plan as a spreadsheet. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "plan.read");
  const url = new URL(request.url);
  const month = url.searchParams.get("month") ?? "";
  const rows = await planRows(context.app, month);
  if (!rows) throw new Response("Not Found", { status: 404 });
  if (url.searchParams.get("format") === "xlsx") {
    return new Response(new Uint8Array(await planXlsx(rows, month)), {
      headers: { "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Content-Disposition": `attachment; filename="plan-${month}.xlsx"` },
    });
  }
  return new Response(planCsv(rows, url.searchParams.get("sep") === "semicolon" ? ";" : ","), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="plan-${month}.csv"` },
  });
}
