import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportQuestionsCsv, exportQuestionsJson } from "../services/questions.server";
import { requirePermission } from "../services/session.server";

/** The list of questions as a file: JSON (the import's own form) or CSV (`sep=semicolon` for Excel in FR/NL locales). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "plan.read");
  const url = new URL(request.url);
  if (url.searchParams.get("format") === "csv") {
    const body = await exportQuestionsCsv(context.app, url.searchParams.get("sep") === "semicolon" ? ";" : ",");
    return new Response(body, { headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="questions.csv"' } });
  }
  return new Response(await exportQuestionsJson(context.app), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": 'attachment; filename="questions.json"' },
  });
}
