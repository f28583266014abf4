import { DateTime } from "luxon";
import { hashPassword } from "../services/passwords.server";
import { RETRY_WINDOW_MS, syncPublications } from "../services/publication-plan.server";
import { checkPublishable } from "../services/review.server";
import { contentHashOf, sourceHashOf } from "../domain/approval-hash.server";
import { BRUSSELS_ZONE, datesOfMonth, resolveLocalTime } from "../domain/time/brussels";
import type { Db } from "../../db/client";
import { insertAuditEvent } from "../../db/repositories/audit-events";
import { insertChannel } from "../../db/repositories/channels";
import { insertContentItem } from "../../db/repositories/content-items";
import { insertDayNote } from "../../db/repositories/day-notes";
import { tagItem, upsertQuestionVolumes, upsertRecurringQuestion } from "../../db/repositories/recurring-questions";
import { findUserByEmail, insertUser } from "../../db/repositories/users";
import type { ChannelLanguage, ItemStatus, Network, Role, UiLanguage, VariantStatus } from "../../db/schema";
import { demoQuestions } from "./demo-questions";
import { startConversation } from "../../db/repositories/inbox";
import { responseDeadline } from "../domain/response-deadline";
import { demoDayNotes, demoPosts } from "./demo-posts";
import { demoFigures } from "./demo-metrics";
import { insertReadings } from "../../db/repositories/analytics";
import { createHash } from "node:crypto";
import { codeFromBytes } from "../domain/tracked-links";

/** A demo post's tracked-link code, the same for the same publication. */
const demoCode = (publicationId: string) => codeFromBytes(createHash("sha256").update(publicationId).digest());

export interface DemoAccount {
  email: string;
  displayName: string;
  roles: Role[];
  uiLanguage: UiLanguage;
  password: string;
}

/** The demo accounts. Their passwords are public on purpose and printed only in demo mode. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: "admin@demo.cadence.test", displayName: "Camille Martin", roles: ["admin"], uiLanguage: "fr", password: "demo-admin-cadence" },
  { email: "editor@demo.cadence.test", displayName: "Sophie Lambert", roles: ["editor"], uiLanguage: "fr", password: "demo-editor-cadence" },
  { email: "translator@demo.cadence.test", displayName: "Pieter Janssens", roles: ["translator"], uiLanguage: "nl", password: "demo-translator-cadence" },
  { email: "approver@demo.cadence.test", displayName: "Nathalie Dubois", roles: ["approver"], uiLanguage: "fr", password: "demo-approver-cadence" },
  { email: "responder@demo.cadence.test", displayName: "Inès Laurent", roles: ["responder"], uiLanguage: "fr", password: "demo-responder-cadence" },
];

/** The demo channels that the local network stand-ins serve (their handles find them again). */
export const DEMO_LISTENING_HANDLES = { mastodon: "cadence", bluesky: "cadence.test" } as const;

const DEMO_CHANNELS: { key: string; network: Network; language: ChannelLanguage; name: string; handle: string; baseUrl?: string }[] = [
  { key: "x-fr", network: "x", language: "fr", name: "X — SPF Finances", handle: "@SPFFinances" },
  { key: "x-nl", network: "x", language: "nl", name: "X — FOD Financiën", handle: "@FODFinancien" },
  { key: "fb-fr", network: "facebook", language: "fr", name: "Facebook — SPF Finances", handle: "SPFFinances" },
  { key: "fb-nl", network: "facebook", language: "nl", name: "Facebook — FOD Financiën", handle: "FODFinancien" },
  { key: "li", network: "linkedin", language: "bilingual", name: "LinkedIn — SPF Finances / FOD Financiën", handle: "spf-finances-fod-financien" },
  { key: "outbox", network: "outbox", language: "bilingual", name: "Outbox (demo)", handle: "outbox" },
  // Listened to in the demo: `npm start` connects them to the local network stand-ins (fakes/networks.ts).
  { key: "md-fr", network: "mastodon", language: "fr", name: "Mastodon — SPF Finances (démo)", handle: DEMO_LISTENING_HANDLES.mastodon },
  { key: "bsky", network: "bluesky", language: "bilingual", name: "Bluesky — SPF Finances / FOD Financiën (demo)", handle: DEMO_LISTENING_HANDLES.bluesky },
];

/** What a demo item looks like on a given day, relative to today: the past is published, the future in every state. */
function statusFor(date: string, today: string, day: number): ItemStatus {
  if (date < today) return "published";
  if (date === today) return "scheduled";
  return (["scheduled", "scheduled", "awaiting_approval", "in_translation", "draft", "scheduled"] as const)[day % 6] as ItemStatus;
}

/**
 * Creates the demo users, channels, recurring questions, day notes, and FR/NL posts for the month of
 * `now` and the next. Does nothing when the demo admin already exists, so it is safe to run again.
 */
export async function seedDemo(db: Db, now: Date): Promise<{ created: boolean; items: number }> {
  if (await findUserByEmail(db, DEMO_ACCOUNTS[0]!.email)) return { created: false, items: 0 };
  const hashes = await Promise.all(DEMO_ACCOUNTS.map((a) => hashPassword(a.password)));
  return await db.transaction().execute(async (tx) => {
    const users = new Map<Role, string>();
    for (const [i, account] of DEMO_ACCOUNTS.entries()) {
      const user = await insertUser(tx, {
        email: account.email,
        display_name: account.displayName,
        roles: account.roles,
        ui_language: account.uiLanguage,
        password_hash: hashes[i] ?? null,
      });
      users.set(account.roles[0]!, user.id);
    }
    const editorId = users.get("editor")!;
    const translatorId = users.get("translator")!;
    const approverId = users.get("approver")!;

    const channels = new Map<string, { id: string; language: ChannelLanguage }>();
    for (const c of DEMO_CHANNELS) {
      const row = await insertChannel(tx, {
        network: c.network,
        language: c.language,
        name: c.name,
        handle: c.handle,
        base_url: c.baseUrl ?? null,
        credentials_encrypted: null,
        track_links: c.key === "x-fr",
      });
      channels.set(c.key, { id: row.id, language: row.language });
    }

    const questionIds = new Map<string, string>();
    for (const q of demoQuestions) {
      const row = await upsertRecurringQuestion(tx, {
        slug: q.slug,
        label_fr: q.fr,
        label_nl: q.nl,
        keywords_fr: q.keywordsFr,
        keywords_nl: q.keywordsNl,
        url_fr: q.urlFr ?? null,
        url_nl: q.urlNl ?? null,
        answer_fr: q.answerFr ?? null,
        answer_nl: q.answerNl ?? null,
        monthly_volume: q.volume,
      });
      questionIds.set(q.slug, row.id);
    }

    const local = DateTime.fromJSDate(now, { zone: BRUSSELS_ZONE });
    const today = local.toFormat("yyyy-MM-dd");
    // The current month and the next one: the team plans a month ahead.
    const months = [local, local.plus({ months: 1 })];
    // The contact center's counts for the last twelve months (the usual volume, give or take).
    await upsertQuestionVolumes(
      tx,
      Array.from({ length: 12 }, (_, i) => local.minus({ months: 11 - i })).flatMap((m, i) =>
        demoQuestions.map((q, k) => ({ questionId: questionIds.get(q.slug)!, month: m.toFormat("yyyy-MM"), count: Math.round(q.volume * (0.85 + ((k * 7 + i * 3) % 10) / 30)) }))
      ),
      users.get("admin") ?? editorId
    );
    for (const m of months) {
      for (const note of demoDayNotes[m.month] ?? []) {
        await insertDayNote(tx, { local_date: `${m.toFormat("yyyy-MM")}-${String(note.day).padStart(2, "0")}`, text_fr: note.fr, text_nl: note.nl, author_id: editorId });
      }
    }
    // Last month too, all published: the results report has a whole month to show.
    const dates = [local.minus({ months: 1 }), ...months].flatMap((m) => datesOfMonth(m.toFormat("yyyy-MM")));

    let count = 0;
    for (const date of dates) {
      const day = Number(date.slice(8));
      // Leave some days empty, so the coverage shows what is still missing.
      if (day % 5 === 3) continue;
      const post = demoPosts[(day * 7) % demoPosts.length]!;
      const weekday = DateTime.fromISO(date).weekday;
      const keys = ["x-fr", "x-nl", "outbox", ...(day % 2 === 0 ? ["fb-fr", "fb-nl"] : []), ...(weekday === 2 || weekday === 4 ? ["li"] : []), ...(date < today && weekday <= 5 ? ["md-fr"] : []), ...(date < today && (weekday === 1 || weekday === 3) ? ["bsky"] : [])];
      const resolved = resolveLocalTime(date, post.time);
      if (!resolved.ok) continue;
      // What was due before now has gone out; the rest of today is still to come.
      const status = resolved.scheduledAt.getTime() <= now.getTime() ? "published" : statusFor(date, today, day);
      const sourceLanguage = day % 4 === 0 ? "nl" : "fr";
      const targetLanguage = sourceLanguage === "fr" ? "nl" : "fr";
      const approved = status === "scheduled" || status === "published";
      const variantStatus: VariantStatus = approved ? "approved" : status === "awaiting_approval" || status === "in_translation" ? "submitted" : "draft";
      const texts = { fr: post.fr, nl: post.nl };
      const link = post.link ?? null;
      const sourceHash = sourceHashOf(sourceLanguage, [{ language: sourceLanguage, text: texts[sourceLanguage], link_url: link, image_alt: null }]);
      const variants = (["fr", "nl"] as const).map((language) => {
        const isTarget = language === targetLanguage;
        const missing = isTarget && status === "in_translation";
        const content = { text: missing ? "" : texts[language], link_url: link, image_alt: post.imageAlt?.[language] ?? null };
        return {
          language,
          ...content,
          status: missing ? ("missing" as const) : variantStatus,
          source_hash: isTarget && !missing ? sourceHash : null,
          source_text: isTarget && !missing ? texts[sourceLanguage] : null,
          translated_by: isTarget && !missing ? translatorId : null,
          // Approval is of the exact content: its hash.
          ...(approved ? { approved_hash: contentHashOf(content), approved_by: approverId, approved_at: now } : {}),
        };
      });
      const item = await insertContentItem(
        tx,
        {
          scheduled_at: resolved.scheduledAt,
          local_date: date,
          local_time: post.time,
          status,
          source_language: sourceLanguage,
          author_id: editorId,
        },
        variants,
        keys.map((k) => channels.get(k)!.id)
      );
      await tagItem(tx, item.id, post.tags.map((slug) => questionIds.get(slug)!).filter(Boolean));
      const itemVariants = await tx.selectFrom("variants").selectAll().where("content_item_id", "=", item.id).execute();
      if (status === "scheduled") {
        // What the scheduler will send at the item's minute (to the outbox in demo mode).
        const check = await checkPublishable(tx, item.id);
        if (check.ok && check.item) await syncPublications(tx, check.item, itemVariants, check.texts);
      }
      if (status === "published") {
        const source = itemVariants.find((v) => v.language === sourceLanguage)!;
        for (const key of keys) {
          const channel = channels.get(key)!;
          const variant = channel.language === "bilingual" ? source : itemVariants.find((v) => v.language === channel.language);
          if (!variant) continue;
          const publication = await tx
            .insertInto("publications")
            .values({
              content_item_id: item.id,
              variant_id: variant.id,
              channel_id: channel.id,
              languages: channel.language === "bilingual" ? "fr+nl" : variant.language === "nl" ? "nl" : "fr",
              state: "published",
              attempts: 1,
              due_at: resolved.scheduledAt,
              deadline_at: new Date(resolved.scheduledAt.getTime() + RETRY_WINDOW_MS),
              next_attempt_at: null,
              sent_at: resolved.scheduledAt,
              remote_id: `demo-${item.id.slice(0, 8)}-${key}`,
              remote_url: null,
              last_error: null,
              published_at: resolved.scheduledAt,
            })
            .returning("id")
            .executeTakeFirstOrThrow();
          {
            // What the networks said at the moments already passed (the analytics report's figures).
            const network = DEMO_CHANNELS.find((c) => c.key === key)!.network;
            const age = now.getTime() - resolved.scheduledAt.getTime();
            const moments = (["1h", "24h", "7d", "28d"] as const).filter((m, i) => age >= [3_600_000, 86_400_000, 7 * 86_400_000, 28 * 86_400_000][i]!);
            if (network !== "outbox")
              await insertReadings(
                tx,
                moments.map((m) => ({
                  publicationId: publication.id,
                  moment: m,
                  at: new Date(resolved.scheduledAt.getTime() + { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "28d": 28 * 86_400_000 }[m]),
                  ...demoFigures(`demo-${item.id.slice(0, 8)}-${key}`, network, m),
                }))
              );
            // X (French) tracks its links: a few clicks on each post that had one.
            if (key === "x-fr" && variant.link_url) {
              await tx
                .insertInto("tracked_links")
                .values({ code: demoCode(publication.id), publication_id: publication.id, target_url: variant.link_url })
                .execute();
              const clicks = Math.round(demoFigures(publication.id, "x", "28d").likes / 3);
              if (clicks > 0)
                await tx
                  .insertInto("link_clicks")
                  .values(
                    Array.from({ length: clicks + 1 }, (_, c) => ({ code: demoCode(publication.id), clicked_at: new Date(resolved.scheduledAt.getTime() + (c + 1) * 1_800_000), bot: c === clicks }))
                  )
                  .execute();
            }
          }
        }
      }
      count++;
    }

    // One post a few minutes from now, so that the demo shows publishing at work: it appears in the
    // outbox (/outbox) at its minute, once.
    const soon = DateTime.fromJSDate(now, { zone: BRUSSELS_ZONE }).plus({ minutes: 3 }).startOf("minute");
    const soonAt = resolveLocalTime(soon.toFormat("yyyy-MM-dd"), soon.toFormat("HH:mm"));
    if (soonAt.ok) {
      const fr = { text: "Bienvenue dans la démo de Cadence : cette publication part dans quelques minutes vers la boîte d'envoi.", link_url: null, image_alt: null };
      const nl = { text: "Welkom in de demo van Cadence: dit bericht vertrekt over enkele minuten naar de outbox.", link_url: null, image_alt: null };
      const approval = { status: "approved" as const, approved_by: approverId, approved_at: now };
      const item = await insertContentItem(
        tx,
        { scheduled_at: soonAt.scheduledAt, local_date: soonAt.localDate, local_time: soonAt.localTime, status: "scheduled", source_language: "fr", author_id: editorId },
        [
          { language: "fr", ...fr, ...approval, approved_hash: contentHashOf(fr), source_hash: null, translated_by: null },
          { language: "nl", ...nl, ...approval, approved_hash: contentHashOf(nl), source_hash: sourceHashOf("fr", [{ language: "fr", ...fr }]), source_text: fr.text, translated_by: translatorId },
        ],
        ["x-fr", "x-nl", "outbox"].map((k) => channels.get(k)!.id)
      );
      const check = await checkPublishable(tx, item.id);
      const itemVariants = await tx.selectFrom("variants").selectAll().where("content_item_id", "=", item.id).execute();
      if (check.ok && check.item) await syncPublications(tx, check.item, itemVariants, check.texts);
      count++;
    }
    // The inbox: what citizens wrote to the demo's X accounts in the last day and a half.
    const demoMessages: { channel: string; author: string; hoursAgo: number; text: string; language: "fr" | "nl" | "other" }[] = [
      { channel: "x-fr", author: "marie_dupont", hoursAgo: 2, language: "fr", text: "Bonjour, je n'arrive pas à me connecter à MyMinfin avec itsme depuis ce matin. C'est normal ?" },
      { channel: "x-nl", author: "jan_peeters", hoursAgo: 0.5, language: "nl", text: "Goedemiddag, wanneer krijg ik mijn terugbetaling? Mijn aangifte is al in mei ingediend." },
      { channel: "x-fr", author: "luc_m", hoursAgo: 5, language: "fr", text: "Merci pour le rappel de la date limite, très utile !" },
      { channel: "x-nl", author: "an_devos", hoursAgo: 30, language: "nl", text: "Waar vind ik het voorstel van vereenvoudigde aangifte in MyMinfin?" },
      { channel: "x-fr", author: "expat_in_bxl", hoursAgo: 3, language: "other", text: "Hello, I moved to Brussels this year. Do I need to file a Belgian tax return?" },
    ];
    for (const [i, m] of demoMessages.entries()) {
      const at = new Date(now.getTime() - m.hoursAgo * 3_600_000);
      const channelId = channels.get(m.channel)!.id;
      await startConversation(tx, { channelId, citizenHandle: m.author, language: m.language, at, dueAt: responseDeadline(at), remoteId: `demo-${i + 1}`, text: m.text });
    }

    await insertAuditEvent(tx, {
      actorId: null,
      actorLabel: "system",
      action: "demo.seeded",
      subjectType: "system",
      subjectId: null,
      after: { months: months.map((m) => m.toFormat("yyyy-MM")), items: count, users: DEMO_ACCOUNTS.map((a) => a.email) },
    });
    return { created: true, items: count };
  });
}
