import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiMonthMetrics } from "../services/api-analytics.server";
import { withApi } from "../services/api.server";

/** GET /api/v1/metrics?month=yyyy-MM — every reading of the posts published that month. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return await withApi(context.app, request, { action: "plan.read", write: false }, (caller) => apiMonthMetrics(context.app, caller.lang, new URL(request.url).searchParams.get("month")));
}
