import type { ActionFunctionArgs } from "@remix-run/node";
import { exportCitizenData } from "../services/inbox.server";
import { requirePermission } from "../services/session.server";
import { languageOf, plainRefusal, readForm, refusalStatus } from "../services/validation.server";

/** POST /inbox/personal-data/export — a citizen's access request: their data as a JSON download. */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = context.app;
  const user = await requirePermission(ctx, request, "inbox.personalData");
  const result = await exportCitizenData(ctx, user, Object.fromEntries(await readForm(request)));
  if (!result.ok) return plainRefusal(languageOf(user), refusalStatus(result.key), result.key);
  return new Response(result.body, { headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="${result.filename}"`, "Cache-Control": "no-store" } });
}
