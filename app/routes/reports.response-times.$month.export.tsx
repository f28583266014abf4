import type { LoaderFunctionArgs } from "@remix-run/node";
import { responseTimeCsv, responseTimeReport } from "../services/inbox.server";
import { requirePermission } from "../services/session.server";

/** The month's first-response times as CSV (`sep=semicolon` for Excel in French and Dutch locales). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "inbox.read");
  const month = params.month ?? "";
  const stats = await responseTimeReport(context.app, month);
  if (!stats) throw new Response("Not Found", { status: 404 });
  const separator = new URL(request.url).searchParams.get("sep") === "semicolon" ? ";" : ",";
  return new Response(responseTimeCsv(stats, separator), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="response-times-${month}.csv"` },
  });
}
