import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { brusselsMonthOf } from "../domain/time/brussels";
import { requirePermission } from "../services/session.server";

/** /reports/analytics opens the current Brussels month. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "plan.read");
  throw redirect(`/reports/analytics/${brusselsMonthOf(context.app.now())}`);
}
