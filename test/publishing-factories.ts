import { DateTime } from "luxon";
import type { Visual } from "../app/domain/visuals";
import { sql } from "kysely";
import { resolveLocalTime } from "../app/domain/time/brussels";
import { encryptCredentials } from "../app/services/credentials-crypto.server";
import { syncPublications } from "../app/services/publication-plan.server";
import { runPublisher } from "../app/services/publishing.server";
import { checkPublishable } from "../app/services/review.server";
import { contentHashOf, sourceHashOf } from "../app/domain/approval-hash.server";
import type { AppContext } from "../app/services/context.server";
import type { Db } from "../db/client";
import { insertChannel } from "../db/repositories/channels";
import type { Channel, ChannelLanguage, Network, User } from "../db/schema";

let n = 0;

/** A channel whose API is the fake server, with its credentials encrypted as the app stores them. */
export async function makeApiChannel(ctx: AppContext, network: Network, language: ChannelLanguage, baseUrl: string | null, credentials: Record<string, string>): Promise<Channel> {
  const channel = await insertChannel(ctx.db, { network, language, name: `${network} ${language} ${++n}`, handle: `cadence${n}`, base_url: baseUrl, credentials_encrypted: null });
  const encrypted = encryptCredentials(ctx.config.credentialsKey, channel.id, JSON.stringify(credentials));
  await ctx.db.updateTable("channels").set({ credentials_encrypted: encrypted }).where("id", "=", channel.id).execute();
  return { ...channel, credentials_encrypted: encrypted };
}

/**
 * Items approved in both languages and scheduled at a Brussels date and time, with their
 * publications created by the same code as the app's (checkPublishable → syncPublications).
 * Each text is unique, as real posts are.
 */
export async function makeScheduledItems(
  db: Db,
  author: User,
  approver: User,
  channels: Channel[],
  options: { count: number; localDate: string; localTime?: string; occurrence?: "first" | "second"; texts?: { fr: string; nl: string }; visuals?: { fr: Visual[]; nl: Visual[] }; link?: string },
): Promise<string[]> {
  const resolved = resolveLocalTime(options.localDate, options.localTime ?? "10:00", { occurrence: options.occurrence });
  if (!resolved.ok) throw new Error("bad time");
  const ids: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const tag = `${++n}`;
    const fr = { text: options.texts?.fr ?? `Publication de test ${tag} : votre déclaration en ligne.`, link_url: options.link ?? null, image_alt: null, visuals: options.visuals?.fr ?? [] };
    const nl = { text: options.texts?.nl ?? `Testbericht ${tag}: uw aangifte online.`, link_url: options.link ?? null, image_alt: null, visuals: options.visuals?.nl ?? [] };
    const item = await db
      .insertInto("content_items")
      .values({
        scheduled_at: resolved.scheduledAt,
        local_date: resolved.localDate,
        local_time: resolved.localTime,
        occurrence: resolved.occurrence,
        status: "scheduled",
        source_language: "fr",
        author_id: author.id,
        updated_by: author.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const approved = { status: "approved" as const, approved_by: approver.id, approved_at: new Date() };
    await db
      .insertInto("variants")
      .values([
        { content_item_id: item.id, language: "fr", ...fr, visuals: JSON.stringify(fr.visuals), ...approved, approved_hash: contentHashOf(fr), source_hash: null },
        { content_item_id: item.id, language: "nl", ...nl, visuals: JSON.stringify(nl.visuals), ...approved, approved_hash: contentHashOf(nl), source_hash: sourceHashOf("fr", [{ language: "fr", ...fr }]) },
      ])
      .execute();
    await db
      .insertInto("content_item_channels")
      .values(channels.map((c) => ({ content_item_id: item.id, channel_id: c.id })))
      .execute();
    const check = await checkPublishable(db, item.id);
    if (!check.ok || !check.item) throw new Error(`not publishable: ${JSON.stringify(check)}`);
    const variants = await db.selectFrom("variants").selectAll().where("content_item_id", "=", item.id).execute();
    await syncPublications(db, check.item, variants, check.texts);
    ids.push(item.id);
  }
  return ids;
}

/** Makes the given items' waiting publications due now (the clock reaching their time). */
export async function makeDueNow(db: Db, itemIds: string[], offsetMs = 0): Promise<void> {
  await db
    .updateTable("publications")
    .set({
      // Millisecond precision, as the app's own instants (JavaScript dates) have.
      due_at: sql<Date>`date_trunc('milliseconds', now()) + ${`${offsetMs} milliseconds`}::interval`,
      next_attempt_at: sql<Date>`date_trunc('milliseconds', now()) + ${`${offsetMs} milliseconds`}::interval`,
      deadline_at: sql<Date>`now() + interval '2 hours'`,
    })
    .where("content_item_id", "in", itemIds)
    .where("state", "=", "scheduled")
    .execute();
}

export async function publicationStates(db: Db, itemIds: string[]) {
  return await db
    .selectFrom("publications")
    .select(["id", "content_item_id", "channel_id", "state", "attempts", "last_error_code", "last_error", "due_at", "sent_at", "remote_url"])
    .where("content_item_id", "in", itemIds)
    .where("state", "!=", "cancelled")
    .execute();
}

/** Runs one publisher until every publication of these items has left "scheduled" and "sending" (or the time runs out). */
export async function publishUntilSettled(ctx: AppContext, itemIds: string[], timeoutMs = 15_000): Promise<void> {
  const controller = new AbortController();
  const run = runPublisher(ctx, { signal: controller.signal, maxSleepMs: 50 });
  try {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const states = await publicationStates(ctx.db, itemIds);
      if (states.length > 0 && states.every((s) => !["scheduled", "sending"].includes(s.state))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    controller.abort();
    await run;
  }
}

/**
 * Posts already on their networks: one published publication per network id, on a published item,
 * `publishedAt` (a date, or one per post). For reading metrics without publishing first.
 */
export async function makePublished(db: Db, author: User, channel: Channel, remoteIds: readonly string[], publishedAt: Date | ((i: number) => Date), options: { language?: "fr" | "nl" | "fr+nl" } = {}): Promise<string[]> {
  const languages = options.language ?? "fr";
  const language = languages === "nl" ? "nl" : "fr";
  const ids: string[] = [];
  const at = (i: number) => (typeof publishedAt === "function" ? publishedAt(i) : publishedAt);
  for (let start = 0; start < remoteIds.length; start += 500) {
    const slice = remoteIds.slice(start, start + 500);
    const items = await db
      .insertInto("content_items")
      .values(slice.map((_, j) => ({ scheduled_at: at(start + j), local_date: DateTime.fromJSDate(at(start + j)).setZone("Europe/Brussels").toISODate()!, local_time: "10:00", status: "published" as const, source_language: "fr" as const, author_id: author.id, updated_by: author.id })))
      .returning("id")
      .execute();
    const variants = await db
      .insertInto("variants")
      .values(items.map((item, j) => ({ content_item_id: item.id, language, text: `Post ${start + j}`, link_url: null, image_alt: null, status: "approved" as const, source_hash: null })))
      .returning(["id", "content_item_id"])
      .execute();
    await db.insertInto("content_item_channels").values(items.map((item) => ({ content_item_id: item.id, channel_id: channel.id }))).execute();
    const variantOf = new Map(variants.map((v) => [v.content_item_id, v.id]));
    const rows = await db
      .insertInto("publications")
      .values(items.map((item, j) => ({ variant_id: variantOf.get(item.id)!, channel_id: channel.id, content_item_id: item.id, languages, state: "published" as const, remote_id: slice[j]!, published_at: at(start + j), due_at: at(start + j), deadline_at: new Date(at(start + j).getTime() + 3_600_000) })))
      .returning("id")
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}
