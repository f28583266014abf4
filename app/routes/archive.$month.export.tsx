import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportArchive } from "../services/archive.server";
import { actorOf } from "../services/audit.server";
import { requirePermission } from "../services/session.server";

/**
 * The month's archive for the State Archives: `?format=json` (the default) or `?format=csv`
 * (`&sep=semicolon` for Excel in French and Dutch locales); `?format=csv&part=answers` holds the
 * answers to citizens (they are in the JSON too). Each export is an audit event.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "audit.read");
  const search = new URL(request.url).searchParams;
  const format = search.get("format") === "csv" ? (search.get("part") === "answers" ? "answers-csv" : "csv") : "json";
  const file = await exportArchive(context.app, actorOf(user), params.month ?? "", format, search.get("sep") === "semicolon" ? ";" : ",");
  if (!file) throw new Response("Not Found", { status: 404 });
  return new Response(file.body, {
    headers: { "Content-Type": file.contentType, "Content-Disposition": `attachment; filename="${file.filename}"`, "Cache-Control": "no-store" },
  });
}
