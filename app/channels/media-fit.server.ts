import { loadSharp } from "../services/image-library.server";
import { imageFitsAsIs, type NetworkMediaRules } from "../domain/network-media";
import type { MediaFormat } from "../domain/media-kind";

/**
 * An image as a network takes it: the stored file itself when it fits the network's rules (format,
 * bytes, pixels), else a copy re-encoded for it — scaled under its pixel limit, as PNG when it has
 * transparency and the network takes PNG, else as JPEG on white, its quality and then its size
 * stepped down until it fits the byte limit. The library keeps the original; nothing is stored.
 * JPEGs are written without Huffman optimisation (a second pass over the picture): about 30 % less
 * time for files 5–15 % heavier, which the byte limit still bounds, and the networks re-encode
 * what they receive anyway.
 */
export interface FittedImage {
  bytes: Buffer;
  contentType: string;
  width: number;
  height: number;
  /** Whether it was re-encoded for the network. */
  changed: boolean;
}

const FORMAT_OF: Record<string, MediaFormat> = { jpeg: "jpeg", png: "png", gif: "gif", webp: "webp" };

export async function fitImage(bytes: Buffer, contentType: string, rules: NetworkMediaRules): Promise<FittedImage> {
  const sharp = await loadSharp();
  const meta = await sharp(bytes).metadata();
  const format = FORMAT_OF[meta.format ?? ""] ?? "jpeg";
  const width = meta.width ?? 1;
  const height = meta.pageHeight ?? meta.height ?? 1;
  if (imageFitsAsIs(rules, { format, bytes: bytes.length, width, height })) return { bytes, contentType, width, height, changed: false };
  const pixels = width * height;
  const pixelScale = Number.isFinite(rules.maxImagePixels) && pixels > rules.maxImagePixels ? Math.sqrt(rules.maxImagePixels / pixels) * 0.999 : 1;
  // An encoded picture's weight grows with its pixels: a first guess at the scale that fits the
  // byte limit (from the stored file's weight per pixel) saves re-encoding a large image several times.
  const byteScale = Number.isFinite(rules.maxImageBytes) && bytes.length > rules.maxImageBytes ? Math.min(1, Math.sqrt(rules.maxImageBytes / bytes.length) * 1.05) : 1;
  const scale = Math.min(pixelScale, byteScale);
  const asPng = meta.hasAlpha === true && rules.imageFormats.includes("png");
  for (const [shrink, quality] of [[1, 85], [0.85, 78], [0.7, 72], [0.55, 65], [0.4, 60], [0.25, 55]] as const) {
    const w = Math.max(1, Math.floor(width * scale * shrink));
    const h = Math.max(1, Math.floor(height * scale * shrink));
    const pipeline = sharp(bytes, { sequentialRead: true }).resize(w, h, { fit: "inside", withoutEnlargement: true });
    const { data, info } = asPng
      ? await pipeline.png({ compressionLevel: 9, palette: shrink < 1 }).toBuffer({ resolveWithObject: true })
      : await pipeline.flatten({ background: "#ffffff" }).jpeg({ quality, optimiseCoding: false }).toBuffer({ resolveWithObject: true });
    if (data.length <= rules.maxImageBytes) return { bytes: data, contentType: asPng ? "image/png" : "image/jpeg", width: info.width, height: info.height, changed: true };
  }
  throw new Error("the image cannot be made small enough for this network");
}
