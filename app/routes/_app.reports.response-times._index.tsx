import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { brusselsMonthOf } from "../domain/time/brussels";
import { requirePermission } from "../services/session.server";

/** /reports/response-times opens the current Brussels month. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "inbox.read");
  throw redirect(`/reports/response-times/${brusselsMonthOf(context.app.now())}`);
}
