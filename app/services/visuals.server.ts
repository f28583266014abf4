import { z } from "zod";
import { findVariantVisuals, lockItem, setVariantVisuals } from "../../db/repositories/content-items";
import { lockMediaFiles } from "../../db/repositories/media";
import type { User } from "../../db/schema";
import { can } from "../domain/permissions";
import { MAX_ALT_LENGTH, MAX_IMAGES, versionProblems, type Visual } from "../domain/visuals";
import type { MessageKey, Translate } from "../i18n";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { settleStatus } from "./review.server";

const visualsSchema = z.object({
  /** The item's version, as the page showed it. */
  version: z.coerce.number().int().min(1),
  visuals: z
    .array(
      z.object({
        hash: z.string().regex(/^[0-9a-f]{64}$/),
        alt: z.string().max(MAX_ALT_LENGTH * 2).transform((s) => s.normalize("NFC").trim()),
        sameInBothLanguages: z.boolean().default(false),
        containsText: z.boolean().default(false),
      }),
    )
    .max(MAX_IMAGES),
});

export type VisualsResult = { ok: true; version: number } | { ok: false; key: MessageKey; params?: Record<string, string | number> };

/**
 * Sets one language version's visuals (in order, with their alt texts). Editors set any
 * version's; translators the versions they translate into. The files must be in the media library
 * (their kind comes from there, not from the request). A version that was approved or sent for
 * approval goes back to draft: an approval is of the exact content, visuals included. An alt text
 * may still be missing here (it is written as work goes on); approval then refuses. Audited.
 */
export async function setVisuals(ctx: AppContext, user: User, itemId: string, language: string, input: unknown): Promise<VisualsResult> {
  if (language !== "fr" && language !== "nl") return { ok: false, key: "error.notFound.body" };
  const parsed = visualsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, key: "visuals.error.invalid" };
  const { version, visuals: wanted } = parsed.data;
  return await ctx.db.transaction().execute(async (tx): Promise<VisualsResult> => {
    const item = await lockItem(tx, itemId);
    if (!item) return { ok: false, key: "error.notFound.body" };
    if (item.version !== version) return { ok: false, key: "item.conflict" };
    const isSource = item.source_language === language;
    if (!can(user.roles, "item.write") && !(can(user.roles, "variant.translate") && !isSource)) return { ok: false, key: "error.forbidden.body" };
    const files = await lockMediaFiles(tx, wanted.map((v) => v.hash));
    const kindOf = new Map(files.map((f) => [f.hash, f.kind]));
    if (wanted.some((v) => !kindOf.has(v.hash))) return { ok: false, key: "media.error.notFound" };
    const visuals: Visual[] = wanted.map((v) => ({ ...v, kind: kindOf.get(v.hash)! }));
    // Rules that no later work can fix are refused now; a missing alt text is only reported.
    const hard = versionProblems(language, visuals).find((p) => p.code !== "visual.altMissing");
    if (hard) return { ok: false, key: `parity.${hard.code}` as MessageKey, params: { language, position: "position" in hard ? hard.position + 1 : 0, limit: "limit" in hard ? hard.limit : 0 } };
    const before = await findVariantVisuals(tx, itemId, language);
    if (!before) return { ok: false, key: "visuals.error.noText" };
    const updated = await setVariantVisuals(tx, { contentItemId: itemId, language, visuals, expectedVersion: before.version });
    if (!updated) return { ok: false, key: "item.conflict" };
    const settled = await settleStatus(tx, itemId, user, ctx.now());
    await audit(tx, actorOf(user), {
      action: "variant.visuals",
      subjectType: "content_item",
      subjectId: itemId,
      before: { language, visuals: before.visuals.map((v) => ({ hash: v.hash, alt: v.alt })) },
      after: { language, visuals: visuals.map((v) => ({ hash: v.hash, alt: v.alt, sameInBothLanguages: v.sameInBothLanguages, containsText: v.containsText })) },
    });
    return { ok: true, version: settled.version };
  });
}

/** A refusal of setVisuals in words (the language it names, in the reader's language too) and its HTTP status; `invalid` is the status of a refused input (400 for the page, 422 for the API). */
export function visualsRefusal(t: Translate, result: Extract<VisualsResult, { ok: false }>, invalid: 400 | 422): { status: number; text: string } {
  const params = { ...result.params, ...(result.params?.language ? { language: t(`languageIn.${String(result.params.language) as "fr"}`) } : {}) };
  const status = result.key === "error.forbidden.body" ? 403 : result.key === "error.notFound.body" ? 404 : result.key === "item.conflict" ? 409 : invalid;
  return { status, text: t(result.key, params) };
}
