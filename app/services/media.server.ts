import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { pipeline } from "node:stream/promises";
import type { Metadata } from "sharp";
import { loadSharp } from "./image-library.server";
import { deleteUnusedMedia, findMediaFile, markUnusedMedia, recordMediaFile, unusedMediaBefore } from "../../db/repositories/media";
import type { User } from "../../db/schema";
import { cleanFileName, kindOf, MEDIA_EXTENSION, MEDIA_MIME, sniffMediaFormat, type MediaFormat } from "../domain/media-kind";
import type { MediaFileFacts } from "../domain/network-media";
import { can } from "../domain/permissions";
import type { MessageKey } from "../i18n";
import type { AppContext } from "./context.server";
import { mediaStorage } from "./media-storage.server";
import { JpegMetadataStripper } from "./jpeg-strip.server";
import { cleanVideo, probeVideo, videoThumbnail } from "./video.server";

/**
 * The media library's intake: an upload is streamed to a temporary file (never held in memory,
 * cut off at the size limit), recognised by its bytes, decoded only after its header says it is
 * small enough (a decompression bomb is refused unread), cleaned of its metadata (EXIF, GPS, XMP,
 * IPTC: an upright JPEG by dropping those segments, anything else by re-encoding), given its SHA-256 and a thumbnail, then stored content-addressed: the same file
 * uploaded twice is stored once. Nothing is recorded unless every step succeeded.
 */

/** At most 40 megapixels (an 8,000 × 5,000 photo): above, the image is refused before decoding. */
export const MAX_PIXELS = 40_000_000;
const THUMB_SIZE = 320;

// Bounded memory: libvips' operation cache is small, and each upload decodes one image at a time.

/** A file of the library as the editor and the API see it: its facts, its name and where to fetch it. */
export interface StoredMedia extends MediaFileFacts {
  hash: string;
  name: string;
  url: string;
  thumbUrl: string;
}

export type IngestResult = { ok: true; media: StoredMedia; duplicate: boolean } | { ok: false; status: 400 | 403 | 413 | 415; key: MessageKey; params?: Record<string, string | number> };

export const originalKey = (hash: string, format: MediaFormat) => `originals/${hash.slice(0, 2)}/${hash}.${MEDIA_EXTENSION[format]}`;
export const thumbKey = (hash: string) => `thumbs/${hash.slice(0, 2)}/${hash}.webp`;

class TooLarge extends Error {
  constructor(readonly limit: number) {
    super("too large");
  }
}
class NotMedia extends Error {}

function toStored(row: { hash: string; kind: "image" | "video"; format: MediaFormat; bytes: string | number; width: number | null; height: number | null; duration_ms: number | null; original_name: string }): StoredMedia {
  return {
    hash: row.hash,
    kind: row.kind,
    format: row.format,
    bytes: Number(row.bytes),
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms,
    name: row.original_name,
    url: `/media/${row.hash}`,
    thumbUrl: `/media/${row.hash}?size=thumb`,
  };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest("hex");
}

/**
 * Streams the upload to `file`: the first bytes decide the format and so the limit (images and
 * videos have their own); past the limit the stream is cut and TooLarge thrown.
 */
async function receive(body: Readable, file: string, limits: { image: number; video: number }): Promise<MediaFormat> {
  let received = 0;
  let head = Buffer.alloc(0);
  let format: MediaFormat | null = null;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (!format) {
        head = Buffer.concat([head, chunk.subarray(0, 64)]);
        if (head.length >= 12) {
          format = sniffMediaFormat(head);
          if (!format) return done(new NotMedia());
        }
      }
      const limit = format ? (kindOf(format) === "video" ? limits.video : limits.image) : limits.video;
      if (received > limit) return done(new TooLarge(limit));
      done(null, chunk);
    },
  });
  await pipeline(body, guard, fs.createWriteStream(file, { flags: "wx" }));
  if (!format) throw new NotMedia();
  return format;
}

const sharpOptions = { limitInputPixels: MAX_PIXELS, failOn: "truncated" as const, sequentialRead: true };

/** Re-encodes an image in its own format without any metadata (orientation applied to the pixels). */
async function cleanImage(input: string, output: string, format: MediaFormat, animated: boolean): Promise<{ width: number; height: number }> {
  const sharp = await loadSharp();
  let image = sharp(input, { ...sharpOptions, animated }).rotate();
  image =
    format === "jpeg"
      ? image.jpeg({ quality: 90 })
      : format === "png"
        ? image.png({ compressionLevel: 8 })
        : format === "webp"
          ? image.webp({ quality: 90 })
          : image.gif();
  const info = await image.toFile(output);
  return { width: info.width, height: animated && info.pageHeight ? info.pageHeight : info.height };
}

type Prepared = { ok: true; clean: string; thumb: string; size: { width: number; height: number; durationMs: number | null; codec: string | null } } | Extract<IngestResult, { ok: false }>;

/** An image: its header checked before decoding, re-encoded without metadata, and its thumbnail. */
async function prepareImage(upload: string, work: string, format: MediaFormat): Promise<Prepared> {
  const sharp = await loadSharp();
  // The header alone, before any decoding: a 50,000 × 50,000 PNG of a few kilobytes stops here.
  let meta: Metadata;
  try {
    meta = await sharp(upload, { limitInputPixels: false }).metadata();
  } catch {
    return { ok: false, status: 415, key: "media.error.corrupt" };
  }
  if (meta.format !== format || !meta.width || !meta.height) return { ok: false, status: 415, key: "media.error.corrupt" };
  if (meta.width * (meta.pageHeight ?? meta.height) > MAX_PIXELS) return { ok: false, status: 413, key: "media.error.pixels", params: { width: meta.width, height: meta.pageHeight ?? meta.height, max: MAX_PIXELS / 1_000_000 } };
  const clean = path.join(work, `clean.${MEDIA_EXTENSION[format]}`);
  const thumb = path.join(work, "thumb.webp");
  try {
    // An upright JPEG (most photos) loses its metadata without being decoded; others are re-encoded.
    const size =
      format === "jpeg" && (meta.orientation ?? 1) === 1
        ? (await pipeline(fs.createReadStream(upload), new JpegMetadataStripper(), fs.createWriteStream(clean)), { width: meta.width, height: meta.height })
        : await cleanImage(upload, clean, format, (meta.pages ?? 1) > 1);
    await sharp(clean, sharpOptions).resize(THUMB_SIZE, THUMB_SIZE, { fit: "inside", withoutEnlargement: true }).webp({ quality: 75 }).toFile(thumb);
    return { ok: true, clean, thumb, size: { ...size, durationMs: null, codec: null } };
  } catch {
    // A truncated or damaged file that its header did not betray.
    return { ok: false, status: 415, key: "media.error.corrupt" };
  }
}

/** A video: whole, H.264, read by ffprobe; remuxed without metadata; a frame as its thumbnail. */
async function prepareVideo(ctx: AppContext, upload: string, work: string, format: MediaFormat): Promise<Prepared> {
  const { ffprobePath, ffmpegPath } = ctx.config.media;
  const probe = await probeVideo(ffprobePath, upload);
  if (!probe.ok) {
    if (probe.reason === "tools") {
      ctx.log.error("videos cannot be read: ffprobe is missing", { ffprobePath });
      return { ok: false, status: 415, key: "media.error.videoTools" };
    }
    if (probe.reason === "codec") return { ok: false, status: 415, key: "media.error.videoCodec", params: { codec: probe.codec ?? "?" } };
    return { ok: false, status: 415, key: "media.error.videoCorrupt" };
  }
  const clean = path.join(work, `clean.${MEDIA_EXTENSION[format]}`);
  const thumb = path.join(work, "thumb.webp");
  if (!(await cleanVideo(ffmpegPath, upload, clean, format))) return { ok: false, status: 415, key: "media.error.videoCorrupt" };
  if (!(await videoThumbnail(ffmpegPath, clean, probe.facts.durationMs, thumb, THUMB_SIZE))) return { ok: false, status: 415, key: "media.error.videoCorrupt" };
  return { ok: true, clean, thumb, size: { width: probe.facts.width, height: probe.facts.height, durationMs: probe.facts.durationMs, codec: probe.facts.codec } };
}

/**
 * Takes one upload (an editor's or translator's, in the editor or through the API). `declaredName`
 * is only shown; `declaredLength` (Content-Length) refuses an upload that announces itself too
 * large before a byte is read.
 */
export async function ingestMedia(ctx: AppContext, user: User, input: { body: Readable; declaredName: string; declaredLength?: number | null }): Promise<IngestResult> {
  if (!can(user.roles, "item.write") && !can(user.roles, "variant.translate")) return { ok: false, status: 403, key: "error.forbidden.body" };
  const limits = { image: ctx.config.media.maxImageBytes, video: ctx.config.media.maxVideoBytes };
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  if (input.declaredLength && input.declaredLength > limits.video) {
    input.body.resume();
    return { ok: false, status: 413, key: "media.error.tooLarge", params: { max: mb(limits.video) } };
  }
  const name = cleanFileName(input.declaredName);
  const work = path.join(ctx.config.dataDir, "tmp", `upload-${randomUUID()}`);
  await fs.promises.mkdir(work, { recursive: true });
  try {
    const upload = path.join(work, "upload");
    let format: MediaFormat;
    try {
      format = await receive(input.body, upload, limits);
    } catch (error) {
      input.body.resume();
      if (error instanceof TooLarge) return { ok: false, status: 413, key: "media.error.tooLarge", params: { max: mb(error.limit) } };
      if (error instanceof NotMedia) return { ok: false, status: 415, key: "media.error.type" };
      throw error;
    }
    const prepared = kindOf(format) === "video" ? await prepareVideo(ctx, upload, work, format) : await prepareImage(upload, work, format);
    if (!prepared.ok) return prepared;
    const { clean, thumb, size } = prepared;
    const hash = await sha256Of(clean);
    const known = await findMediaFile(ctx.db, hash);
    const storage = mediaStorage(ctx.config.media);
    // The files first, then the row: a row always has its files; a crash in between leaves a
    // stored file that the next upload of the same image reuses.
    await storage.put(originalKey(hash, format), clean, MEDIA_MIME[format]);
    await storage.put(thumbKey(hash), thumb, "image/webp");
    const row = await recordMediaFile(ctx.db, {
      hash,
      kind: kindOf(format),
      format,
      bytes: (await fs.promises.stat(clean)).size,
      width: size.width,
      height: size.height,
      duration_ms: size.durationMs,
      codec: size.codec,
      original_name: name,
      uploaded_by: user.id,
    });
    ctx.log.info("media stored", { hash, format, bytes: Number(row.bytes), duplicate: Boolean(known) });
    return { ok: true, media: toStored(row), duplicate: Boolean(known) };
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

/**
 * One upload as the editor and the API send it: the file is the request's body, its name in
 * `X-File-Name` (percent-encoded; a name that is not valid encoding is only a name).
 */
export async function ingestUploadRequest(ctx: AppContext, user: User, request: Request): Promise<IngestResult> {
  if (!request.body) return { ok: false, status: 415, key: "media.error.type" };
  let name = "file";
  try {
    name = decodeURIComponent(request.headers.get("x-file-name") ?? "file");
  } catch {
    // The content decides, not the name.
  }
  const length = Number(request.headers.get("content-length") ?? "");
  return await ingestMedia(ctx, user, { body: Readable.fromWeb(request.body as unknown as NodeReadableStream), declaredName: name, declaredLength: Number.isFinite(length) && length > 0 ? length : null });
}

/** A stored file or its thumbnail, as a stream with its type, for the page and the adapters. */
export async function openMedia(ctx: AppContext, hash: string, variant: "original" | "thumb", start = 0) {
  if (!/^[0-9a-f]{64}$/.test(hash)) return null;
  const row = await findMediaFile(ctx.db, hash);
  if (!row) return null;
  const file = await mediaStorage(ctx.config.media).get(variant === "thumb" ? thumbKey(hash) : originalKey(hash, row.format), start);
  if (!file) return null;
  return { ...file, contentType: variant === "thumb" ? "image/webp" : MEDIA_MIME[row.format], media: toStored(row) };
}

/** Files no version has used for this long are deleted. */
export const UNUSED_MEDIA_DAYS = 30;

/**
 * The `purge-media` job: marks the files that no language version uses, and deletes those unused
 * for 30 days — the row first (only if still unused: an editor may have attached it meanwhile),
 * then the stored file and its thumbnail. A file another item uses is never deleted.
 */
export async function purgeUnusedMedia(ctx: AppContext): Promise<{ purged: number }> {
  const now = ctx.now();
  await markUnusedMedia(ctx.db, now);
  const before = new Date(now.getTime() - UNUSED_MEDIA_DAYS * 86_400_000);
  const storage = mediaStorage(ctx.config.media);
  let purged = 0;
  for (const file of await unusedMediaBefore(ctx.db, before, 500)) {
    if (!(await deleteUnusedMedia(ctx.db, file.hash, before))) continue;
    await storage.remove(originalKey(file.hash, file.format));
    await storage.remove(thumbKey(file.hash));
    purged++;
  }
  if (purged > 0) ctx.log.info("unused media purged", { purged });
  return { purged };
}
