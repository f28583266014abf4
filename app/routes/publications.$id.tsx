import { json, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { actOnPublication } from "../services/publishing-admin.server";
import { requirePermission } from "../services/session.server";
import { refusedJson, readForm } from "../services/validation.server";

/** A person's decision on one publication (retry, cancel, confirm), from the item page. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(context.app, request, "publication.manage");
  const form = Object.fromEntries(await readForm(request));
  const result = await actOnPublication(context.app, user, params.id ?? "", form);
  if (!result.ok) return refusedJson(user, result.key);
  return json({ ok: true as const });
}

export function loader() {
  throw redirect("/publishing");
}
