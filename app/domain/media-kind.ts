/**
 * What a file is, from its first bytes (never from its name or the browser's word): the formats a
 * post may carry. Hand-written rather than a detection library: six signatures, and the libraries
 * that know hundreds are ESM-only (the server build is CommonJS) — see decision 0019.
 */
export type MediaFormat = "jpeg" | "png" | "gif" | "webp" | "mp4" | "mov";
export type MediaKind = "image" | "video";

export const MEDIA_MIME: Record<MediaFormat, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  mov: "video/quicktime",
};

export const MEDIA_EXTENSION: Record<MediaFormat, string> = { jpeg: "jpg", png: "png", gif: "gif", webp: "webp", mp4: "mp4", mov: "mov" };

export function kindOf(format: MediaFormat): MediaKind {
  return format === "mp4" || format === "mov" ? "video" : "image";
}

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

/** The format the first bytes (at least 12) say, or null for anything else. */
export function sniffMediaFormat(head: Uint8Array): MediaFormat | null {
  if (head.length < 12) return null;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "jpeg";
  if (head[0] === 0x89 && ascii(head, 1, 4) === "PNG" && head[4] === 0x0d && head[5] === 0x0a && head[6] === 0x1a && head[7] === 0x0a) return "png";
  if (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a") return "gif";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return "webp";
  // ISO base media (MP4) and QuickTime (MOV): a box of type "ftyp" first, whose major brand tells.
  if (ascii(head, 4, 8) === "ftyp") return ascii(head, 8, 12) === "qt  " ? "mov" : "mp4";
  // Older QuickTime files start with another top-level atom.
  if (["moov", "wide", "mdat", "free", "skip"].includes(ascii(head, 4, 8))) return "mov";
  return null;
}

/** A file name as people see it: its last path part, without control or path characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const clean = last.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, "").replace(/^\.+/, "").trim();
  return (clean || "file").slice(0, 200);
}
