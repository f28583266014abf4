/**
 * Each network's rules for the images and videos of a post, as its documentation states them
 * (shared/reference/channel-apis.md and the networks' media pages, see docs/media.md). Pure: the
 * review panel, the approval and the publishing jobs read the same rules.
 *
 * Two kinds of rules: what Cadence fixes itself when it publishes (an image too heavy or in a
 * format the network does not take is re-encoded for it, the library keeps the original), and what
 * nobody can fix but the editor (too many images, a video too long, no video for YouTube): those
 * are reasons on the item, naming the channel and the rule, and the post is not scheduled there.
 */
import type { TextNetwork } from "./channel-text";
import type { MediaFormat } from "./media-kind";
import type { Visual } from "./visuals";

/** What the library knows of a stored file. */
export interface MediaFileFacts {
  kind: "image" | "video";
  format: MediaFormat;
  bytes: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
}

export interface NetworkMediaRules {
  /** Images per post; 0: the network takes none. */
  maxImages: number;
  /** Formats it takes as they are; others are re-encoded (JPEG, or PNG for a picture with transparency). */
  imageFormats: readonly MediaFormat[];
  /** Heavier images are re-encoded under this size. */
  maxImageBytes: number;
  /** Larger images are scaled down to this many pixels. */
  maxImagePixels: number;
  /** Videos: null when the network (or Cadence's adapter for it) takes none. */
  video: { maxBytes: number; minMs: number; maxMs: number; minAspect: number; maxAspect: number; formats?: readonly MediaFormat[] } | null;
  /** The network publishes videos only (YouTube). */
  requiresVideo: boolean;
  /** The longest alt text it keeps. */
  maxAlt: number;
}

const MB = 1024 * 1024;
const ALL_IMAGES: readonly MediaFormat[] = ["jpeg", "png", "gif", "webp"];
const ANY_ASPECT = { minAspect: 0, maxAspect: Number.POSITIVE_INFINITY };

/**
 * The documented limits. X: 4 images of 5 MB or one video of 512 MB, 0.5–140 s, aspect 1:3 to
 * 3:1, alt text 1,000 characters. Bluesky: 4 images of 1,000,000 bytes, alt text 2,000 (Cadence
 * sends it no videos: its video service is a separate upload not built yet). Mastodon (an
 * instance's defaults, read from /api/v2/instance where it says otherwise): 4 attachments, images
 * 16 MB, videos 99 MB, descriptions 1,500. Facebook: page photos 4 MB, JPEG/PNG/GIF; page videos
 * MP4 (the Resumable Upload API's only video type) up to 240 minutes. LinkedIn: JPEG/PNG/GIF up to
 * 36,152,320 pixels, videos MP4 3 s–30 min, 75 KB–500 MB, aspect 1:2.4 to 2.4:1, alt text 4,086. YouTube: one video, up to 12 hours; no images.
 */
export const NETWORK_MEDIA_RULES: Record<TextNetwork, NetworkMediaRules> = {
  x: { maxImages: 4, imageFormats: ALL_IMAGES, maxImageBytes: 5 * MB, maxImagePixels: 40_000_000, video: { maxBytes: 512 * MB, minMs: 500, maxMs: 140_000, minAspect: 1 / 3, maxAspect: 3 }, requiresVideo: false, maxAlt: 1000 },
  bluesky: { maxImages: 4, imageFormats: ["jpeg", "png", "webp", "gif"], maxImageBytes: 1_000_000, maxImagePixels: 4_000_000, video: null, requiresVideo: false, maxAlt: 2000 },
  mastodon: { maxImages: 4, imageFormats: ALL_IMAGES, maxImageBytes: 16 * MB, maxImagePixels: 33_177_600, video: { maxBytes: 99 * MB, minMs: 0, maxMs: Number.POSITIVE_INFINITY, ...ANY_ASPECT }, requiresVideo: false, maxAlt: 1500 },
  facebook: { maxImages: 4, imageFormats: ["jpeg", "png", "gif"], maxImageBytes: 4 * MB, maxImagePixels: 40_000_000, video: { maxBytes: 512 * MB, minMs: 1000, maxMs: 240 * 60_000, ...ANY_ASPECT, formats: ["mp4"] }, requiresVideo: false, maxAlt: 1000 },
  linkedin: { maxImages: 4, imageFormats: ["jpeg", "png", "gif"], maxImageBytes: 8 * MB, maxImagePixels: 36_152_320, video: { maxBytes: 500 * MB, minMs: 3000, maxMs: 30 * 60_000, minAspect: 1 / 2.4, maxAspect: 2.4, formats: ["mp4"] }, requiresVideo: false, maxAlt: 4086 },
  youtube: { maxImages: 0, imageFormats: [], maxImageBytes: 0, maxImagePixels: 0, video: { maxBytes: 256 * 1024 * MB, minMs: 1000, maxMs: 12 * 3600_000, ...ANY_ASPECT }, requiresVideo: true, maxAlt: 5000 },
  webhook: { maxImages: 4, imageFormats: ALL_IMAGES, maxImageBytes: Number.POSITIVE_INFINITY, maxImagePixels: Number.POSITIVE_INFINITY, video: { maxBytes: Number.POSITIVE_INFINITY, minMs: 0, maxMs: Number.POSITIVE_INFINITY, ...ANY_ASPECT }, requiresVideo: false, maxAlt: 1000 },
  outbox: { maxImages: 4, imageFormats: ALL_IMAGES, maxImageBytes: Number.POSITIVE_INFINITY, maxImagePixels: Number.POSITIVE_INFINITY, video: { maxBytes: Number.POSITIVE_INFINITY, minMs: 0, maxMs: Number.POSITIVE_INFINITY, ...ANY_ASPECT }, requiresVideo: false, maxAlt: 1000 },
};

/** What an instance (Mastodon) says of its own limits, replacing the defaults where given. */
export interface InstanceMediaLimits {
  maxAttachments?: number;
  imageSizeLimit?: number;
  imageMatrixLimit?: number;
  videoSizeLimit?: number;
  descriptionLimit?: number;
}

export function rulesFor(network: TextNetwork, options: { carriesVideos?: boolean; limits?: InstanceMediaLimits | null } = {}): NetworkMediaRules {
  const base = NETWORK_MEDIA_RULES[network];
  const l = options.limits ?? {};
  const video = options.carriesVideos === false || !base.video ? null : { ...base.video, maxBytes: l.videoSizeLimit ?? base.video.maxBytes };
  return {
    ...base,
    maxImages: base.maxImages === 0 ? 0 : Math.min(base.maxImages, l.maxAttachments ?? base.maxImages),
    maxImageBytes: l.imageSizeLimit ?? base.maxImageBytes,
    maxImagePixels: l.imageMatrixLimit ?? base.maxImagePixels,
    maxAlt: l.descriptionLimit ?? base.maxAlt,
    video,
  };
}

export type MediaRuleProblem =
  | { code: "media.videoRequired"; channelId: string }
  | { code: "media.noImages"; channelId: string }
  | { code: "media.noVideos"; channelId: string }
  | { code: "media.tooManyImages"; channelId: string; count: number; limit: number }
  | { code: "media.videoTooLarge"; channelId: string; mb: number; limit: number }
  | { code: "media.videoTooLong"; channelId: string; seconds: number; limit: number }
  | { code: "media.videoTooShort"; channelId: string; seconds: number; limit: number }
  | { code: "media.videoAspect"; channelId: string; ratio: string; min: string; max: string }
  | { code: "media.videoFormat"; channelId: string; format: string; formats: string }
  | { code: "media.altTooLong"; channelId: string; position: number; length: number; limit: number };

const ratio = (r: number) => (r >= 1 ? `${Math.round(r * 100) / 100}:1` : `1:${Math.round((1 / r) * 100) / 100}`);

/**
 * What one channel cannot take of the visuals it would receive (in order, with their alt texts as
 * sent), given the files' facts. Images that are only too heavy or in another format are not
 * problems: they are re-encoded for the network when it is published (see `imageFitsAsIs`).
 */
export function mediaRuleProblems(channelId: string, rules: NetworkMediaRules, visuals: readonly Visual[], files: Readonly<Record<string, MediaFileFacts>>): MediaRuleProblem[] {
  const problems: MediaRuleProblem[] = [];
  const videos = visuals.filter((v) => v.kind === "video");
  const images = visuals.filter((v) => v.kind === "image");
  if (rules.requiresVideo && videos.length === 0) problems.push({ code: "media.videoRequired", channelId });
  if (images.length > 0 && rules.maxImages === 0) problems.push({ code: "media.noImages", channelId });
  else if (images.length > rules.maxImages) problems.push({ code: "media.tooManyImages", channelId, count: images.length, limit: rules.maxImages });
  for (const v of videos) {
    if (!rules.video) {
      problems.push({ code: "media.noVideos", channelId });
      continue;
    }
    const f = files[v.hash];
    if (!f) continue;
    if (rules.video.formats && !rules.video.formats.includes(f.format)) problems.push({ code: "media.videoFormat", channelId, format: f.format.toUpperCase(), formats: rules.video.formats.map((x) => x.toUpperCase()).join(", ") });
    if (f.bytes > rules.video.maxBytes) problems.push({ code: "media.videoTooLarge", channelId, mb: Math.ceil(f.bytes / MB), limit: Math.floor(rules.video.maxBytes / MB) });
    const ms = f.durationMs ?? 0;
    if (ms > rules.video.maxMs) problems.push({ code: "media.videoTooLong", channelId, seconds: Math.ceil(ms / 1000), limit: Math.floor(rules.video.maxMs / 1000) });
    if (ms < rules.video.minMs) problems.push({ code: "media.videoTooShort", channelId, seconds: Math.round(ms / 100) / 10, limit: rules.video.minMs / 1000 });
    if (f.width && f.height) {
      const r = f.width / f.height;
      if (r < rules.video.minAspect - 1e-6 || r > rules.video.maxAspect + 1e-6) problems.push({ code: "media.videoAspect", channelId, ratio: ratio(r), min: ratio(rules.video.minAspect), max: ratio(rules.video.maxAspect) });
    }
  }
  visuals.forEach((v, position) => {
    const length = v.alt.trim().length;
    if (length > rules.maxAlt) problems.push({ code: "media.altTooLong", channelId, position, length, limit: rules.maxAlt });
  });
  return problems;
}

/** Whether an image goes to the network as stored, or must first be re-encoded for it. */
export function imageFitsAsIs(rules: NetworkMediaRules, file: Pick<MediaFileFacts, "format" | "bytes" | "width" | "height">): boolean {
  return rules.imageFormats.includes(file.format) && file.bytes <= rules.maxImageBytes && (file.width ?? 0) * (file.height ?? 0) <= rules.maxImagePixels;
}

/**
 * How a network crops an image in the timeline, for the previews: the shown box's aspect ratio
 * (width / height) for a post with `count` images, or null when it shows the whole image.
 */
export function previewAspect(network: TextNetwork, count: number): number | null {
  switch (network) {
    case "x":
      return count === 1 ? 16 / 9 : count === 2 ? 7 / 8 : 1;
    case "mastodon":
      return 16 / 9;
    case "bluesky":
      return count === 1 ? null : 1;
    case "facebook":
      return count === 1 ? null : 1;
    case "linkedin":
      return count === 1 ? null : 1;
    case "youtube":
      return 16 / 9;
    default:
      return null;
  }
}
