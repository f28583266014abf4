import { DateTime } from "luxon";
import { z } from "zod";
import { findLiveFeed, insertCalendarFeed, listCalendarFeeds, revokeCalendarFeed, touchCalendarFeed } from "../../db/repositories/calendar-feeds";
import { listChannels } from "../../db/repositories/channels";
import { listItemsWithTexts } from "../../db/repositories/content-items";
import { listDayNotes } from "../../db/repositories/day-notes";
import type { User } from "../../db/schema";
import { buildCalendarFeed } from "../domain/ical";
import { can, isRole } from "../domain/permissions";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { translator, type MessageKey } from "../i18n";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { hashSecretToken, newSecretToken } from "./secret-tokens.server";
import { toFieldErrors, type FieldErrors } from "./validation.server";
import { CALENDAR_STATUSES } from "../domain/pairing";


const feedInput = z.object({
  name: z
    .string({ message: "validation.required" })
    .max(80, "validation.tooLong")
    .transform((s) => s.normalize("NFC").trim())
    .pipe(z.string().min(1, "validation.required")),
  channelIds: z.array(z.string().uuid("validation.invalid")).max(50),
  statuses: z.array(z.enum(CALENDAR_STATUSES, { message: "validation.invalid" })).max(CALENDAR_STATUSES.length),
  language: z.enum(["fr", "nl"], { message: "validation.invalid" }),
});

export type CreateFeedResult = { ok: true; id: string; token: string } | { ok: false; errors: FieldErrors };

/** A new private feed for this user: its token is returned once, and only its hash is kept. */
export async function createFeed(ctx: AppContext, user: User, input: unknown): Promise<CreateFeedResult> {
  if (!can(user.roles, "plan.read")) return { ok: false, errors: { _form: { key: "error.forbidden.body" } } };
  const parsed = feedInput.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const { token, hash } = newSecretToken();
  const id = await ctx.db.transaction().execute(async (tx) => {
    const feed = await insertCalendarFeed(tx, { userId: user.id, name: parsed.data.name, tokenHash: hash, channelIds: parsed.data.channelIds, statuses: parsed.data.statuses, language: parsed.data.language });
    await audit(tx, actorOf(user), { action: "feed.created", subjectType: "calendar_feed", subjectId: feed.id, after: { name: parsed.data.name, channelIds: parsed.data.channelIds, statuses: parsed.data.statuses, language: parsed.data.language } });
    return feed.id;
  });
  return { ok: true, id, token };
}

/** The channels a feed can be limited to. */
export async function feedChannels(ctx: AppContext) {
  return (await listChannels(ctx.db, { activeOnly: true })).map((c) => ({ id: c.id, name: c.name }));
}

export async function listFeeds(ctx: AppContext, user: User) {
  return (await listCalendarFeeds(ctx.db, user.id)).map((f) => ({
    id: f.id,
    name: f.name,
    channelIds: f.channel_ids,
    statuses: f.statuses,
    language: f.language,
    createdAt: f.created_at.toISOString(),
    lastUsedAt: f.last_used_at?.toISOString() ?? null,
    revokedAt: f.revoked_at?.toISOString() ?? null,
  }));
}

export async function revokeFeed(ctx: AppContext, user: User, id: string): Promise<boolean> {
  if (!z.string().uuid().safeParse(id).success) return false;
  return await ctx.db.transaction().execute(async (tx) => {
    const done = await revokeCalendarFeed(tx, user.id, id);
    if (done) await audit(tx, actorOf(user), { action: "feed.revoked", subjectType: "calendar_feed", subjectId: id });
    return done;
  });
}

/**
 * The feed's calendar, or null for a token that is unknown, revoked, or whose owner can no longer
 * read the plan. From a month ago to six months ahead, in the feed's language.
 */
export async function feedCalendar(ctx: AppContext, token: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const feed = await findLiveFeed(ctx.db, hashSecretToken(token));
  if (!feed || !feed.active || !can(feed.roles.filter(isRole), "plan.read")) return null;
  const now = DateTime.fromJSDate(ctx.now(), { zone: BRUSSELS_ZONE });
  const from = now.minus({ months: 1 }).startOf("month");
  const to = now.plus({ months: 6 }).endOf("month");
  const [items, notes, channels] = await Promise.all([
    listItemsWithTexts(ctx.db, { start: from.toJSDate(), end: to.toJSDate() }, { channelIds: feed.channel_ids, statuses: feed.statuses, tagSlugs: [] }, 5_000),
    listDayNotes(ctx.db, from.toFormat("yyyy-MM-dd"), to.toFormat("yyyy-MM-dd")),
    listChannels(ctx.db),
  ]);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  await touchCalendarFeed(ctx.db, feed.id);
  const t = translator(feed.language);
  return buildCalendarFeed(
    items.map((i) => ({
      id: i.id,
      start: i.scheduled_at,
      localDate: i.local_date,
      localTime: i.local_time,
      occurrence: i.occurrence,
      status: i.status,
      version: i.version,
      updatedAt: i.updated_at,
      textFr: i.fr_text ?? "",
      textNl: i.nl_text ?? "",
      channelNames: i.channel_ids.map((id) => channelName.get(id) ?? id).sort((a, b) => a.localeCompare(b)),
      tags: i.tag_slugs,
    })),
    notes.map((n) => ({ id: n.id, localDate: n.local_date, textFr: n.text_fr, textNl: n.text_nl, version: n.version })),
    {
      name: `Cadence — ${feed.name}`,
      language: feed.language,
      baseUrl: ctx.config.publicUrl,
      now: ctx.now(),
      labels: {
        status: (s) => t(`status.${s}` as MessageKey),
        french: t("language.fr"),
        dutch: t("language.nl"),
        channels: t("feeds.ics.channels"),
        tags: t("feeds.ics.tags"),
        open: t("feeds.ics.open"),
      },
    },
  );
}
