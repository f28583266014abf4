import type { LoaderFunctionArgs } from "@remix-run/node";
import { analyticsCsv, analyticsXlsx, monthAnalytics } from "../services/analytics.server";
import { requirePermission } from "../services/session.server";

/** The month's results: CSV, one row per published post (`sep=semicolon` for Excel in French and Dutch), or a workbook (`format=xlsx`) with its summaries. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "plan.read");
  const month = params.month ?? "";
  const data = await monthAnalytics(context.app, month);
  if (!data) throw new Response("Not Found", { status: 404 });
  const url = new URL(request.url);
  if (url.searchParams.get("format") === "xlsx") {
    return new Response(new Uint8Array(await analyticsXlsx(data)), {
      headers: { "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Content-Disposition": `attachment; filename="results-${month}.xlsx"` },
    });
  }
  return new Response(analyticsCsv(data, url.searchParams.get("sep") === "semicolon" ? ";" : ","), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="results-${month}.csv"` },
  });
}
