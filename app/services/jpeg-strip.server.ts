import { Transform, type TransformCallback } from "node:stream";

/**
 * Removes a JPEG's metadata without decoding it: the image data is copied byte for byte, so a
 * 24-megapixel photo is cleaned in milliseconds instead of being decoded and re-encoded (and loses
 * no quality). Hand-written: sharp (libvips) can only drop metadata by re-encoding, and the
 * libraries that edit EXIF rewrite it rather than remove every carrier of it — see decision 0021.
 *
 * Kept: the frame and its tables (SOFn, DHT, DQT, DRI, SOS and the entropy-coded data), the JFIF
 * header (APP0 "JFIF"), the colour profile (APP2 "ICC_PROFILE") and Adobe's colour transform
 * (APP14 "Adobe"), which change how the pixels look. Dropped: EXIF and XMP (APP1, where the
 * camera, the date and the GPS position live), Photoshop/IPTC (APP13), comments (COM), every other
 * APPn (MPF's extra pictures, makers' blocks, JFXX thumbnails), and anything after the end of the
 * image (phones append a second picture or a maker's trailer there).
 *
 * Only for upright photos: an EXIF orientation other than 1 is applied to the pixels by
 * re-encoding instead (dropping it here would turn the picture on its side).
 */
export class JpegMetadataStripper extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private state: "start" | "marker" | "entropy" | "done" = "start";
  private sawFrame = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    try {
      this.consume();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    // A file that ends before its end-of-image marker is truncated: refused, never half-stored.
    if (this.state !== "done") callback(new Error("the JPEG ends before its end-of-image marker"));
    else callback();
  }

  private consume(): void {
    const b = this.pending;
    let pos = 0;
    const out: Buffer[] = [];
    for (;;) {
      if (this.state === "done") {
        pos = b.length;
        break;
      }
      if (this.state === "start") {
        if (b.length - pos < 2) break;
        if (b[pos] !== 0xff || b[pos + 1] !== 0xd8) throw new Error("not a JPEG");
        out.push(b.subarray(pos, pos + 2));
        pos += 2;
        this.state = "marker";
        continue;
      }
      if (this.state === "entropy") {
        // Copy up to the next marker: 0xFF followed by a byte other than 0x00 (stuffing) or
        // RST0–RST7 (restart markers inside the scan).
        let at = pos;
        let found = -1;
        for (;;) {
          const ff = b.indexOf(0xff, at);
          if (ff < 0 || ff + 1 >= b.length) break;
          const next = b[ff + 1]!;
          if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
            at = next === 0xff ? ff + 1 : ff + 2;
            continue;
          }
          found = ff;
          break;
        }
        if (found < 0) {
          // Keep a trailing 0xFF for the next chunk: it may start a marker.
          const keepFrom = b.length > pos && b[b.length - 1] === 0xff ? b.length - 1 : b.length;
          out.push(b.subarray(pos, keepFrom));
          pos = keepFrom;
          break;
        }
        out.push(b.subarray(pos, found));
        pos = found;
        this.state = "marker";
        continue;
      }
      // A marker: fill bytes (0xFF) may precede it.
      let m = pos;
      while (m < b.length && b[m] === 0xff && m + 1 < b.length && b[m + 1] === 0xff) m++;
      if (b.length - m < 2) break;
      if (b[m] !== 0xff) throw new Error("a JPEG marker was expected");
      const marker = b[m + 1]!;
      if (marker === 0xd9) {
        if (!this.sawFrame) throw new Error("a JPEG without a frame");
        out.push(b.subarray(m, m + 2));
        pos = m + 2;
        this.state = "done";
        continue;
      }
      if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        out.push(b.subarray(m, m + 2));
        pos = m + 2;
        continue;
      }
      if (b.length - m < 4) break;
      const length = b.readUInt16BE(m + 2);
      if (length < 2) throw new Error("a JPEG segment with a bad length");
      if (b.length - m < 2 + length) break;
      const body = b.subarray(m + 4, m + 2 + length);
      if (keepSegment(marker, body)) out.push(b.subarray(m, m + 2 + length));
      if ((marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)) this.sawFrame = true;
      pos = m + 2 + length;
      if (marker === 0xda) this.state = "entropy";
    }
    this.pending = pos >= b.length ? Buffer.alloc(0) : Buffer.from(b.subarray(pos));
    for (const piece of out) if (piece.length > 0) this.push(piece);
  }
}

const startsWith = (body: Buffer, text: string) => body.length >= text.length && body.subarray(0, text.length).toString("latin1") === text;

/** Whether a marker segment stays: everything but metadata (see the class's comment). */
export function keepSegment(marker: number, body: Buffer): boolean {
  if (marker === 0xfe) return false;
  if (marker >= 0xe0 && marker <= 0xef) {
    if (marker === 0xe0) return startsWith(body, "JFIF\0");
    if (marker === 0xe2) return startsWith(body, "ICC_PROFILE\0");
    if (marker === 0xee) return startsWith(body, "Adobe");
    return false;
  }
  return true;
}
