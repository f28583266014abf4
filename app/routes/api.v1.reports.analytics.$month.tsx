import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiAnalyticsReport } from "../services/api-analytics.server";
import { withApi } from "../services/api.server";

/** GET /api/v1/reports/analytics/{month} — the month's report, as its page shows it. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return await withApi(context.app, request, { action: "plan.read", write: false }, (caller) => apiAnalyticsReport(context.app, caller.lang, params.month ?? ""));
}
