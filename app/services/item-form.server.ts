import { redirect } from "@remix-run/node";
import type { User } from "../../db/schema";
import { listChannels } from "../../db/repositories/channels";
import type { AppContext } from "./context.server";
import { matchableQuestions } from "./questions.server";
import { recordTagFeedback } from "./tag-learning.server";
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
        // What the editor did with the suggestions teaches the model (kept, dismissed, added).
        await recordTagFeedback(ctx, { itemId: r.id, userId: user.id, tagIds: Array.isArray(form.tagIds) ? form.tagIds.filter((x): x is string => typeof x === "string") : [], suggested: shownTags(form.suggestedTags), rejected: shownTags(form.rejectedTags), sourceLanguage: form.sourceLanguage === "nl" ? "nl" : "fr" });
        const flags = new URLSearchParams({ back, saved: "1", ...(r.approvalWithdrawn ? { withdrawn: "1" } : {}) });
        throw redirect(`/items/${r.id}?${flags.toString()}`);
      }
      return { errors: r.errors, values: form, conflict: r.conflict ? { byName: r.conflict.byName, at: r.conflict.at } : undefined };
    }
  }
}

/** The suggestions the editor showed or dismissed, as it posts them (JSON [{id, lang}]); anything else is ignored. */
function shownTags(value: unknown): { id: string; lang: "fr" | "nl" }[] {
  if (typeof value !== "string" || value.length > 10_000) return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((x): x is { id: string; lang: "fr" | "nl" } => !!x && typeof x === "object" && typeof (x as { id?: unknown }).id === "string" && /^[0-9a-f-]{36}$/.test((x as { id: string }).id) && ((x as { lang?: unknown }).lang === "fr" || (x as { lang?: unknown }).lang === "nl"))
      .slice(0, 20);
  } catch {
    return [];
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
