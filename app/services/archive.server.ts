import { DateTime } from "luxon";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import {
  listArchiveExceptions,
  listArchiveItems,
  listArchiveVariants,
  listManualConfirmations,
  listPublishedBetween,
  listAnswersSentBetween,
  listArchiveMediaFiles,
} from "../../db/repositories/archive";
import { listTagsForItems } from "../../db/repositories/recurring-questions";
import { toCsv } from "../domain/csv";
import { MEDIA_EXTENSION, type MediaFormat } from "../domain/media-kind";
import { BRUSSELS_ZONE, brusselsMonthRange } from "../domain/time/brussels";
import { audit, type Actor } from "./audit.server";
import type { AppContext } from "./context.server";
import { openMedia } from "./media.server";
import { groupBy } from "../domain/collections";

/** The archive's format version: raised whenever a field changes meaning or goes away. */
export const ARCHIVE_FORMAT_VERSION = 1;

const brussels = (d: Date | null | undefined): string | null => (d ? DateTime.fromJSDate(d, { zone: BRUSSELS_ZONE }).toISO() : null);

/** A visual as a version showed it: its file (SHA-256, the name it was uploaded with) and its alt text. */
export interface ArchivedVisual {
  file: string;
  name: string | null;
  kind: string;
  alt: string;
  sameInBothLanguages: boolean;
  containsText: boolean;
}

/** A visual as a publication sent it: its file, its alt text in each language it went out in, and the network's id for it. */
export interface ArchivedSentVisual {
  file: string;
  name: string | null;
  kind: string;
  /** The file as it is kept beside the JSON by `archive:export --files` (`<sha256>.<ext>`). */
  fileName: string | null;
  alt: { fr?: string; nl?: string };
  mediaId: string | null;
}

export interface ArchivedVariant {
  language: string;
  text: string;
  link: string | null;
  imageAlt: string | null;
  visuals: ArchivedVisual[];
  translatedBy: string | null;
  translatedAt: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
}

export interface ArchivedException {
  language: string;
  reason: string;
  status: string;
  requestedBy: string;
  requestedAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
}

export interface ArchivedPublication {
  id: string;
  channel: { id: string; name: string; network: string; handle: string; language: string };
  languages: string;
  publishedAt: string | null;
  /** The exact text and link sent to the network (null only for publications older than this record). */
  text: string | null;
  link: string | null;
  remoteId: string | null;
  remoteUrl: string | null;
  attempts: number;
  visuals: ArchivedSentVisual[];
  /** Set when a person confirmed, after checking by hand, that it went out. */
  confirmedBy: { name: string; at: string | null } | null;
}

export interface ArchivedItem {
  id: string;
  scheduledAt: string | null;
  sourceLanguage: string;
  author: { name: string; email: string };
  tags: string[];
  variants: ArchivedVariant[];
  exceptions: ArchivedException[];
  publications: ArchivedPublication[];
}

/** An answer to a citizen as it went out (the citizen is not named: the archive keeps what the administration said). */
export interface ArchivedAnswer {
  id: string;
  conversationId: string;
  channel: { id: string; name: string; network: string; handle: string };
  language: string;
  sentAt: string | null;
  /** Exactly what was sent (Mastodon and X put the citizen's @handle before it). */
  text: string;
  remoteId: string | null;
  remoteUrl: string | null;
  author: string;
  /** Who approved it when it needed a second approval. */
  approvedBy: string | null;
  approvedAt: string | null;
}

export interface MonthArchive {
  format: "cadence-archive";
  version: number;
  month: string;
  timeZone: string;
  generatedAt: string | null;
  generatedBy: string;
  publicationCount: number;
  items: ArchivedItem[];
  answerCount: number;
  answers: ArchivedAnswer[];
}


/**
 * What was published in a Brussels month (by the instant it went out): for each item, its texts per
 * language with who wrote, translated and approved them, its one-language exceptions, and each
 * publication with the exact text sent, the channel, the time and the network's id and address.
 * Null for a month that is not `yyyy-MM`.
 */
export async function monthArchive(ctx: AppContext, month: string, generatedBy: Actor): Promise<MonthArchive | null> {
  const range = brusselsMonthRange(month);
  if (!range) return null;
  const [publications, answers] = await Promise.all([listPublishedBetween(ctx.db, range.start, range.end), listAnswersSentBetween(ctx.db, range.start, range.end)]);
  const itemIds = [...new Set(publications.map((p) => p.content_item_id))];
  const [items, variants, exceptions, tags, confirmations] = await Promise.all([
    listArchiveItems(ctx.db, itemIds),
    listArchiveVariants(ctx.db, itemIds),
    listArchiveExceptions(ctx.db, itemIds),
    listTagsForItems(ctx.db, itemIds),
    listManualConfirmations(ctx.db, itemIds),
  ]);
  const itemById = new Map(items.map((i) => [i.id, i]));
  const variantsOf = groupBy(variants, (v) => v.content_item_id);
  const exceptionsOf = groupBy(exceptions, (e) => e.content_item_id);
  const tagsOf = groupBy(tags, (t) => t.contentItemId);
  const confirmedBy = new Map<string, { name: string; at: string | null }>();
  for (const c of confirmations) {
    const publication = (c.after as { publication?: unknown } | null)?.publication;
    if (typeof publication === "string") confirmedBy.set(publication, { name: c.actor_label, at: brussels(c.occurred_at) });
  }
  const publicationsOf = groupBy(publications, (p) => p.content_item_id);
  const files = new Map((await listArchiveMediaFiles(ctx.db, [...new Set(variants.flatMap((v) => (v.visuals ?? []).map((x) => x.hash)))])).map((f) => [f.hash, f]));
  const sentVisuals = (itemId: string, languages: string, mediaIds: Record<string, { id: string }>): ArchivedSentVisual[] => {
    const out = new Map<string, ArchivedSentVisual>();
    for (const v of variantsOf.get(itemId) ?? []) {
      if (!languages.split(/[^a-z]+/).includes(v.language)) continue;
      for (const visual of v.visuals ?? []) {
        const f = files.get(visual.hash);
        const entry = out.get(visual.hash) ?? { file: visual.hash, name: f?.original_name ?? null, kind: visual.kind, fileName: f ? archivedFileName(visual.hash, f.format) : null, alt: {}, mediaId: networkMediaId(mediaIds[visual.hash]?.id) };
        entry.alt[v.language as "fr" | "nl"] = visual.alt;
        out.set(visual.hash, entry);
      }
    }
    return [...out.values()];
  };
  const archived: ArchivedItem[] = itemIds.map((id) => {
    const item = itemById.get(id);
    return {
      id,
      scheduledAt: brussels(item?.scheduled_at),
      sourceLanguage: item?.source_language ?? "",
      author: { name: item?.author_name ?? "", email: item?.author_email ?? "" },
      tags: (tagsOf.get(id) ?? []).map((t) => t.slug),
      variants: (variantsOf.get(id) ?? []).map((v) => ({
        language: v.language,
        text: v.text,
        link: v.link_url,
        imageAlt: v.image_alt,
        visuals: (v.visuals ?? []).map((x) => ({ file: x.hash, name: files.get(x.hash)?.original_name ?? null, kind: x.kind, alt: x.alt, sameInBothLanguages: x.sameInBothLanguages, containsText: x.containsText })),
        translatedBy: v.translated_by,
        translatedAt: brussels(v.translated_at),
        approvedBy: v.approved_by,
        approvedAt: brussels(v.approved_at),
      })),
      exceptions: (exceptionsOf.get(id) ?? []).map((e) => ({
        language: e.language,
        reason: e.reason,
        status: e.status,
        requestedBy: e.requested_by,
        requestedAt: brussels(e.requested_at),
        decidedBy: e.decided_by,
        decidedAt: brussels(e.decided_at),
        decisionComment: e.decision_comment,
      })),
      publications: (publicationsOf.get(id) ?? []).map((p) => ({
        id: p.id,
        channel: { id: p.channel_id, name: p.channel_name, network: p.channel_network, handle: p.channel_handle, language: p.channel_language },
        languages: p.languages,
        publishedAt: brussels(p.published_at),
        text: p.sent_text,
        link: p.sent_link,
        remoteId: p.remote_id,
        remoteUrl: p.remote_url,
        attempts: p.attempts,
        visuals: sentVisuals(id, p.languages, p.media_ids ?? {}),
        confirmedBy: confirmedBy.get(p.id) ?? null,
      })),
    };
  });
  return {
    format: "cadence-archive",
    version: ARCHIVE_FORMAT_VERSION,
    month,
    timeZone: BRUSSELS_ZONE.name,
    generatedAt: brussels(ctx.now()),
    generatedBy: generatedBy.label,
    publicationCount: publications.length,
    items: archived,
    answerCount: answers.length,
    answers: answers.map((a) => ({
      id: a.id,
      conversationId: a.conversation_id,
      channel: { id: a.channel_id, name: a.channel_name, network: a.channel_network, handle: a.channel_handle },
      language: a.language,
      sentAt: brussels(a.sent_at),
      text: a.text,
      remoteId: a.remote_id,
      remoteUrl: a.remote_url,
      author: a.author_name,
      approvedBy: a.approver_name,
      approvedAt: a.approver_name ? brussels(a.decided_at) : null,
    })),
  };
}

/** A stored file's name beside the archive: its SHA-256 with its format's extension. */
export function archivedFileName(hash: string, format: MediaFormat): string {
  return `${hash}.${MEDIA_EXTENSION[format]}`;
}

/**
 * The network's id of a visual, from what the publication remembered: Mastodon's, X's, Facebook's
 * and LinkedIn's ids as they are; YouTube's video id ("video:…"; an upload session is no id);
 * Bluesky's blob CID (the remembered embed image).
 */
export function networkMediaId(stored: string | undefined): string | null {
  if (!stored) return null;
  if (stored.startsWith("video:")) return stored.slice("video:".length);
  // An upload under way (YouTube's and Facebook's sessions, Facebook's file handle): no network id yet.
  if (stored.startsWith("session:") || stored.startsWith("handle:") || stored.startsWith("posting:")) return null;
  if (stored.startsWith("{")) {
    try {
      const image = JSON.parse(stored) as { image?: { ref?: { $link?: string } } };
      return image.image?.ref?.$link ?? null;
    } catch {
      return null;
    }
  }
  return stored;
}

/** The CSV's columns, stable across versions (new columns are added at the end). */
export const ARCHIVE_CSV_COLUMNS = [
  "published_at",
  "item_id",
  "publication_id",
  "channel",
  "network",
  "handle",
  "channel_language",
  "languages",
  "sent_text",
  "sent_link",
  "remote_id",
  "remote_url",
  "scheduled_at",
  "author",
  "text_fr",
  "text_nl",
  "translated_by_fr",
  "translated_by_nl",
  "approved_by_fr",
  "approved_at_fr",
  "approved_by_nl",
  "approved_at_nl",
  "exceptions",
  "confirmed_by",
  "tags",
  "visuals",
] as const;

/**
 * Every publication of the archive with its item, in the order they went out: by instant (the local
 * times of the autumn night repeat an hour), then by channel, as the month's query read them.
 */
export function publicationsInOrder(archive: MonthArchive): { item: ArchivedItem; publication: ArchivedPublication }[] {
  return archive.items
    .flatMap((item) => item.publications.map((publication) => ({ item, publication, at: publication.publishedAt ? DateTime.fromISO(publication.publishedAt).toMillis() : 0 })))
    .sort((a, b) => a.at - b.at || a.publication.channel.name.localeCompare(b.publication.channel.name))
    .map(({ item, publication }) => ({ item, publication }));
}

/** The archive as CSV: one line per publication, the item's people and texts repeated on each. */
export function archiveCsv(archive: MonthArchive, separator: "," | ";" = ","): string {
  const rows = publicationsInOrder(archive).map(({ item, publication: p }) => {
    const v = (language: string) => item.variants.find((x) => x.language === language);
    const exceptions = item.exceptions.map((e) => `${e.language}: ${e.status} (${e.reason}; ${e.requestedBy}${e.decidedBy ? ` / ${e.decidedBy}` : ""})`).join(" | ");
    return [
      p.publishedAt,
      item.id,
      p.id,
      p.channel.name,
      p.channel.network,
      p.channel.handle,
      p.channel.language,
      p.languages,
      p.text,
      p.link,
      p.remoteId,
      p.remoteUrl,
      item.scheduledAt,
      item.author.name,
      v("fr")?.text,
      v("nl")?.text,
      v("fr")?.translatedBy,
      v("nl")?.translatedBy,
      v("fr")?.approvedBy,
      v("fr")?.approvedAt,
      v("nl")?.approvedBy,
      v("nl")?.approvedAt,
      exceptions,
      p.confirmedBy ? `${p.confirmedBy.name} (${p.confirmedBy.at ?? ""})` : "",
      item.tags.join(" "),
      p.visuals.map((x) => `${x.name ?? x.file} [${x.file}]${x.alt.fr ? ` fr: ${x.alt.fr}` : ""}${x.alt.nl ? ` nl: ${x.alt.nl}` : ""}${x.mediaId ? ` → ${x.mediaId}` : ""}`).join(" | "),
    ];
  });
  return toCsv(ARCHIVE_CSV_COLUMNS, rows, separator);
}

/** The answers' CSV columns, stable across versions (new columns are added at the end). */
export const ANSWERS_CSV_COLUMNS = ["sent_at", "answer_id", "conversation_id", "channel", "network", "handle", "language", "text", "remote_id", "remote_url", "author", "approved_by", "approved_at"] as const;

/** The month's answers to citizens as CSV: one line per answer, in the order they went out. */
export function answersCsv(archive: MonthArchive, separator: "," | ";" = ","): string {
  return toCsv(
    ANSWERS_CSV_COLUMNS,
    archive.answers.map((a) => [a.sentAt, a.id, a.conversationId, a.channel.name, a.channel.network, a.channel.handle, a.language, a.text, a.remoteId, a.remoteUrl, a.author, a.approvedBy, a.approvedAt]),
    separator,
  );
}

export interface ArchiveExport {
  archive: MonthArchive;
  body: string;
  contentType: string;
  filename: string;
}

/**
 * A month's archive as a file (JSON, or CSV with `,` or `;`), for the download and the command line
 * alike; each export is an audit event (who handed what to the archives, and when). Null for a
 * month that is not `yyyy-MM`.
 */
export async function exportArchive(
  ctx: AppContext,
  actor: Actor,
  month: string,
  format: "json" | "csv" | "answers-csv",
  separator: "," | ";" = ","
): Promise<ArchiveExport | null> {
  const archive = await monthArchive(ctx, month, actor);
  if (!archive) return null;
  await audit(ctx.db, actor, { action: "archive.exported", subjectType: "archive", subjectId: archive.month, after: { format, publications: archive.publicationCount, answers: archive.answerCount } });
  return format === "answers-csv"
    ? { archive, body: answersCsv(archive, separator), contentType: "text/csv; charset=utf-8", filename: `cadence-answers-${month}.csv` }
    : format === "csv"
    ? { archive, body: archiveCsv(archive, separator), contentType: "text/csv; charset=utf-8", filename: `cadence-archive-${month}.csv` }
    : { archive, body: `${JSON.stringify(archive, null, 2)}\n`, contentType: "application/json; charset=utf-8", filename: `cadence-archive-${month}.json` };
}

/**
 * Writes each published visual's file beside the archive (`archive:export --files DIR`), named as
 * the archive names it (`<sha256>.<ext>`): the State Archives receive what was shown, not only its
 * name. A file written before is left as it is (content-addressed). Returns how many were written.
 */
export async function writeArchiveFiles(ctx: AppContext, archive: MonthArchive, directory: string): Promise<{ written: number; missing: string[] }> {
  await fs.promises.mkdir(directory, { recursive: true });
  const wanted = new Map<string, string>();
  for (const item of archive.items) for (const p of item.publications) for (const v of p.visuals) if (v.fileName) wanted.set(v.file, v.fileName);
  let written = 0;
  const missing: string[] = [];
  for (const [hash, name] of wanted) {
    const target = path.join(directory, name);
    if (fs.existsSync(target)) continue;
    const file = await openMedia(ctx, hash, "original");
    if (!file) {
      missing.push(hash);
      continue;
    }
    const partial = `${target}.part`;
    await pipeline(file.body, fs.createWriteStream(partial));
    await fs.promises.rename(partial, target);
    written++;
  }
  return { written, missing };
}
