import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { deleteDayNote, saveDayNote } from "../services/day-notes.server";
import { requirePermission, safeRedirectTarget } from "../services/session.server";

/** Day note forms post here (no script needed) and come back to the calendar they were sent from. */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = context.app;
  const user = await requirePermission(ctx, request, "dayNote.write");
  const form = Object.fromEntries(await request.formData());
  const back = safeRedirectTarget(form.back, "/calendar");
  const result = form.intent === "delete" ? await deleteDayNote(ctx, user, typeof form.id === "string" ? form.id : "") : await saveDayNote(ctx, user, form);
  const url = new URL(back, "http://local");
  url.searchParams.set("note", result.ok ? (form.intent === "delete" ? "deleted" : "saved") : "error");
  throw redirect(url.pathname + url.search);
}

export function loader() {
  throw redirect("/calendar");
}
