import type { ActionFunctionArgs } from "@remix-run/node";
import { moveItem } from "../services/content-items.server";
import { requireUser } from "../services/session.server";
import { refusedJson, readForm } from "../services/validation.server";

/** POST /items/:id/move — the calendar's drag and drop and "Move to…": JSON in, JSON out. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = context.app;
  const user = await requireUser(ctx, request);
  const result = await moveItem(ctx, user, params.id ?? "", Object.fromEntries(await readForm(request)));
  if (!result.ok && result.error === "forbidden") return refusedJson(user, "error.forbidden.body", undefined, { error: "forbidden" });
  const status = result.ok ? 200 : result.error === "forbidden" ? 403 : result.error === "not_found" ? 404 : result.error === "conflict" ? 409 : 422;
  return Response.json(result, { status });
}

export function loader() {
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}
