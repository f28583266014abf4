import type { LoaderFunctionArgs } from "@remix-run/node";
import { archiveCsv, monthArchive, recordArchiveExport } from "../services/archive.server";
import { actorOf } from "../services/audit.server";
import { requirePermission } from "../services/session.server";

/**
 * The month's archive for the State Archives: `?format=json` (the default) or `?format=csv`
 * (`&sep=semicolon` for Excel in French and Dutch locales). Each export is an audit event.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "audit.read");
  const month = params.month ?? "";
  const search = new URL(request.url).searchParams;
  const format = search.get("format") === "csv" ? "csv" : "json";
  const archive = await monthArchive(context.app, month, actorOf(user));
  if (!archive) throw new Response("Not Found", { status: 404 });
  await recordArchiveExport(context.app, actorOf(user), archive, format);
  const filename = `cadence-archive-${month}.${format}`;
  const body = format === "csv" ? archiveCsv(archive, search.get("sep") === "semicolon" ? ";" : ",") : `${JSON.stringify(archive, null, 2)}\n`;
  return new Response(body, {
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
