import type { Db } from "../../db/client";
import { cancelWaitingPublications, syncItemPublications, type PlannedPublication } from "../../db/repositories/publications";
import type { ContentItem, Variant } from "../../db/schema";
import type { PlannedText } from "../domain/pairing";

/** How long after its time a publication may still go out (retries stop then). */
export const RETRY_WINDOW_MS = 2 * 60 * 60_000;

/**
 * Brings an item's publications in line with its status, inside the caller's transaction: a
 * scheduled item has one waiting publication per channel, due at its time; any other status has
 * none waiting. Called whenever the item's status is settled (approval, edit, move).
 */
export async function syncPublications(tx: Db, item: ContentItem, variants: readonly Variant[], texts: readonly PlannedText[] | null): Promise<void> {
  if (item.status !== "scheduled" || !texts) {
    await cancelWaitingPublications(tx, item.id);
    return;
  }
  const source = variants.find((v) => v.language === item.source_language);
  const planned: PlannedPublication[] = [];
  for (const t of texts) {
    const language = t.languages.length === 1 ? t.languages[0]! : item.source_language;
    const variant = variants.find((v) => v.language === language) ?? source;
    if (!variant) continue;
    planned.push({ channelId: t.channelId, variantId: variant.id, languages: t.languages.length === 2 ? (t.languages.join("+") as "fr+nl" | "nl+fr") : t.languages[0]! });
  }
  await syncItemPublications(tx, item.id, planned, item.scheduled_at, RETRY_WINDOW_MS);
}
