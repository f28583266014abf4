import type { LoaderFunctionArgs } from "@remix-run/node";
import { coverageCsv, monthQuestionCoverage } from "../services/questions.server";
import { requirePermission } from "../services/session.server";

/** The month's question coverage as CSV (`sep=semicolon` for Excel in French and Dutch locales). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "plan.read");
  const month = params.month ?? "";
  const rows = await monthQuestionCoverage(context.app, month);
  if (!rows) throw new Response("Not Found", { status: 404 });
  const separator = new URL(request.url).searchParams.get("sep") === "semicolon" ? ";" : ",";
  return new Response(coverageCsv(rows, separator), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="questions-${month}.csv"` },
  });
}
