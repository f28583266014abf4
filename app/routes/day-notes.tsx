import { readForm } from "../services/validation.server";
import { json, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { deleteDayNote, saveDayNote } from "../services/day-notes.server";
import { requirePermission, safeRedirectTarget } from "../services/session.server";

/**
 * The day note forms post here. Saved or deleted: back to the calendar they were sent from, which
 * says so. Refused: the messages per field, for the form to show next to what the editor typed.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = context.app;
  const user = await requirePermission(ctx, request, "dayNote.write");
  const form = Object.fromEntries(await readForm(request));
  const back = safeRedirectTarget(form.back, "/calendar");
  const result = form.intent === "delete" ? await deleteDayNote(ctx, user, typeof form.id === "string" ? form.id : "") : await saveDayNote(ctx, user, form);
  if (!result.ok) return json({ ok: false as const, errors: result.errors }, { status: 400 });
  const url = new URL(back, "http://local");
  url.searchParams.set("note", form.intent === "delete" ? "deleted" : "saved");
  throw redirect(url.pathname + url.search);
}

export function loader() {
  throw redirect("/calendar");
}
