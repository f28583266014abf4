import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { brusselsMonthOf, brusselsMonthRange, shiftMonth } from "../domain/time/brussels";
import { requirePermission } from "../services/session.server";

/** /archive opens the month asked for (?month=yyyy-MM), else the last full Brussels month. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "audit.read");
  const asked = new URL(request.url).searchParams.get("month") ?? "";
  throw redirect(`/archive/${brusselsMonthRange(asked) ? asked : shiftMonth(brusselsMonthOf(context.app.now()), -1)}`);
}
