import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { currentMonth } from "../services/plan.server";
import { requirePermission } from "../services/session.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "plan.read");
  const search = new URL(request.url).search;
  throw redirect(`/calendar/${currentMonth(context.app)}${search}`);
}
