import type { NetworkMediaRules } from "../domain/network-media";
import { fitImage, type FittedImage } from "./media-fit.server";
import { createHash } from "node:crypto";
import type { UploadedMedia } from "../domain/visuals";
import type { AdapterDeps, PublishInput, PublishOutcome } from "./types";

/** A short digest of an alt text: a visual uploaded with another alt text is uploaded again. */
export function altDigest(alt: string): string {
  return createHash("sha256").update(alt).digest("hex").slice(0, 16);
}

/**
 * Whether an earlier upload can be named by this post: the network still keeps it (`reuseMs`) and,
 * when the upload carried an alt text, it carried this one (ids stored before alt digests were
 * kept are reused as before).
 */
export function reusable(known: UploadedMedia | undefined, now: Date, reuseMs: number, alt?: string): known is UploadedMedia {
  if (!known || now.getTime() - Date.parse(known.at) >= reuseMs) return false;
  return alt === undefined || known.altDigest === undefined || known.altDigest === altDigest(alt);
}

/**
 * Images recently fitted for a network, by file and rules: a burst of posts that share an image
 * (a campaign's visual on every channel) decodes and re-encodes it once per network, not once per
 * post. Bounded by count and bytes; files never change (content-addressed), so nothing goes stale.
 */
const fitted = new Map<string, FittedImage>();
let fittedBytes = 0;
const FIT_CACHE_ITEMS = 32;
const FIT_CACHE_BYTES = 64 * 1024 * 1024;

const fitKey = (hash: string, rules: NetworkMediaRules) => `${hash}:${rules.maxImageBytes}:${rules.maxImagePixels}:${rules.imageFormats.join(",")}`;

/** The image fitted for these rules: from the cache, else read from the library and fitted (null when the file is gone). */
async function fitOnce(hash: string, rules: NetworkMediaRules, read: () => Promise<{ bytes: Buffer; contentType: string } | null>): Promise<FittedImage | null> {
  const key = fitKey(hash, rules);
  const known = fitted.get(key);
  if (known) {
    fitted.delete(key);
    fitted.set(key, known);
    return known;
  }
  const file = await read();
  if (!file) return null;
  const image = await fitImage(file.bytes, file.contentType, rules);
  if (image.bytes.length <= FIT_CACHE_BYTES / 4) {
    fitted.set(key, image);
    fittedBytes += image.bytes.length;
    for (const [k, v] of fitted) {
      if (fitted.size <= FIT_CACHE_ITEMS && fittedBytes <= FIT_CACHE_BYTES) break;
      fitted.delete(k);
      fittedBytes -= v.bytes.length;
    }
  }
  return image;
}

export type UploadStep = { ok: true; id: string } | { ok: false; outcome: PublishOutcome };

/**
 * A post's images, each uploaded once through the network's media API: the network's id is
 * remembered on the publication as soon as the network has the image (before the post call) and
 * reused by a retry while the network keeps unattached media (`reuseMs`), so a failure after an
 * upload never uploads again and the post call names the same media. Each image is first fitted
 * to the network's rules (re-encoded when too heavy, too large or in a format it does not take).
 */
export async function uploadImagesOnce(
  input: PublishInput,
  deps: AdapterDeps,
  options: { reuseMs: number; rules: NetworkMediaRules },
  send: (visual: { hash: string; alt: string }, image: FittedImage) => Promise<UploadStep>,
): Promise<{ ok: true; ids: string[] } | { ok: false; outcome: PublishOutcome }> {
  const visuals = input.visuals ?? [];
  if (visuals.length === 0) return { ok: true, ids: [] };
  if (!deps.media) return { ok: false, outcome: { kind: "failed", code: "config", detail: "no media library" } };
  if (visuals.some((v) => v.kind !== "image")) return { ok: false, outcome: { kind: "failed", code: "not_publishable", detail: "videos are not sent to this network" } };
  const done = await deps.media.uploaded(input.publicationId);
  const ids: string[] = [];
  for (const v of visuals) {
    const known = done[v.hash];
    if (reusable(known, deps.now(), options.reuseMs, v.alt)) {
      ids.push(known.id);
      continue;
    }
    const media = deps.media;
    const image = await fitOnce(v.hash, options.rules, () => media.read(v.hash));
    if (!image) return { ok: false, outcome: { kind: "failed", code: "validation", detail: `media file ${v.hash} is missing` } };
    const step = await send(v, image);
    if (!step.ok) return step;
    await deps.media.remember(input.publicationId, v.hash, step.id, v.alt);
    ids.push(step.id);
  }
  return { ok: true, ids };
}
