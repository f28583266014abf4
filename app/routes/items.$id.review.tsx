import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import type { MessageKey } from "../i18n";
import { addComment, approveItems, rejectItem, setGerman, submitForReview } from "../services/review.server";
import { decideExceptionRequest, requestException, withdrawException } from "../services/parity-exceptions.server";
import { requireUser } from "../services/session.server";
import { refusedJson, readForm } from "../services/validation.server";

/**
 * The review forms of an item page post here: submit, approve, reject, German on/off, exceptions,
 * comments. Done: back to the item, which says what happened. Refused: the reason, translated, for
 * the form to show (what was typed stays in the form).
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = context.app;
  const user = await requireUser(ctx, request);
  const id = params.id ?? "";
  const form = Object.fromEntries(await readForm(request));
  const version = Number(form.version);
  const result = await (async () => {
    switch (form.intent) {
      case "submit":
        return await submitForReview(ctx, user, id, version);
      case "approve":
        return await approveItems(ctx, user, [{ id, version }]);
      case "reject":
        return await rejectItem(ctx, user, id, form);
      case "german":
        return await setGerman(ctx, user, id, version, form.enabled === "1");
      case "exception-request":
        return await requestException(ctx, user, id, form);
      case "exception-decide":
        return await decideExceptionRequest(ctx, user, id, form);
      case "exception-withdraw":
        return await withdrawException(ctx, user, id, version);
      case "comment":
        return await addComment(ctx, user, id, form.body);
      default:
        return { ok: false as const, key: "validation.invalid" as MessageKey };
    }
  })();
  if (!result.ok) {
    const problem = "problems" in result && result.problems?.[0] ? result.problems[0].key : undefined;
    return refusedJson(user, problem ?? result.key, "params" in result ? result.params : undefined);
  }
  const back = new URL(`/items/${id}`, "http://local");
  const from = new URL(request.url).searchParams.get("back");
  if (from) back.searchParams.set("back", from);
  back.searchParams.set("review", typeof form.intent === "string" ? form.intent : "saved");
  throw redirect(back.pathname + back.search + "#review");
}

export function loader({ params }: { params: { id?: string } }) {
  throw redirect(`/items/${params.id ?? ""}`);
}
