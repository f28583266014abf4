import { redirect } from "@remix-run/node";
import type { User } from "../../db/schema";
import { listChannels } from "../../db/repositories/channels";
import type { AppContext } from "./context.server";
import { matchableQuestions } from "./questions.server";
import { archiveItem, deleteItem, duplicateItem, saveItem } from "./content-items.server";
import { safeRedirectTarget } from "./session.server";
import { formToObject, type FieldErrors, readForm } from "./validation.server";

export interface ItemActionFailure {
  errors: FieldErrors;
  values: Record<string, unknown>;
  conflict?: { byName: string; at: string };
}

function withFlag(back: string, flag: string, value: string): string {
  const url = new URL(back, "http://local");
  url.searchParams.set(flag, value);
  return url.pathname + url.search;
}

/**
 * The item page's form posts: save (create or update), duplicate, delete, archive. Success
 * redirects (back to the calendar, or to the saved item); failure returns translated-key errors and
 * the submitted values, so nothing typed is lost.
 */
export async function handleItemAction(ctx: AppContext, user: User, itemId: string | null, request: Request): Promise<ItemActionFailure> {
  const form = formToObject(await readForm(request), ["channelIds", "tagIds"]);
  const back = safeRedirectTarget(form.back, "/calendar");
  switch (form.intent) {
    case "duplicate": {
      const r = await duplicateItem(ctx, user, itemId ?? "", typeof form.localDate === "string" ? form.localDate : "");
      if (r.ok) throw redirect(withFlag(`/items/${r.id}?back=${encodeURIComponent(back)}`, "duplicated", "1"));
      return { errors: { _form: { key: r.key, params: r.params } }, values: form };
    }
    case "delete": {
      const r = await deleteItem(ctx, user, itemId ?? "", Number(form.version));
      if (r.ok) throw redirect(withFlag(back, "item", "deleted"));
      return { errors: { _form: { key: r.key } }, values: form };
    }
    case "archive": {
      const r = await archiveItem(ctx, user, itemId ?? "", Number(form.version));
      if (r.ok) throw redirect(withFlag(back, "item", "archived"));
      return { errors: { _form: { key: r.key } }, values: form };
    }
    default: {
      const r = await saveItem(ctx, user, itemId, form);
      if (r.ok) {
        const flags = new URLSearchParams({ back, saved: "1", ...(r.approvalWithdrawn ? { withdrawn: "1" } : {}) });
        throw redirect(`/items/${r.id}?${flags.toString()}`);
      }
      return { errors: r.errors, values: form, conflict: r.conflict ? { byName: r.conflict.byName, at: r.conflict.at } : undefined };
    }
  }
}

export async function editorOptions(ctx: AppContext) {
  const [channels, questions] = await Promise.all([listChannels(ctx.db, { activeOnly: true }), matchableQuestions(ctx)]);
  return {
    channels: channels.map((c) => ({ id: c.id, name: c.name, network: c.network, language: c.language })),
    // With their keywords: the editor suggests tags as the text is typed.
    questions,
  };
}
