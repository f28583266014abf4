import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import exifr from "exifr";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { JpegMetadataStripper } from "./jpeg-strip.server";

/** Runs the stripper over the file fed in pieces of `piece` bytes. */
async function strip(file: Buffer, piece = 65536): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < file.length; i += piece) parts.push(file.subarray(i, i + piece));
  const out: Buffer[] = [];
  const stripper = new JpegMetadataStripper();
  stripper.on("data", (c: Buffer) => out.push(c));
  await pipeline(Readable.from(parts), stripper);
  return Buffer.concat(out);
}

/** A segment with its marker and length. */
const segment = (marker: number, body: Buffer) => Buffer.concat([Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);

/** A noisy photo (entropy data full of 0xFF bytes) with EXIF, GPS and an ICC profile, as a camera writes it. */
async function cameraPhoto(progressive: boolean): Promise<Buffer> {
  const width = 320;
  const height = 240;
  const noise = Buffer.alloc(width * height * 3);
  let x = 12345;
  for (let i = 0; i < noise.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    noise[i] = x >>> 24;
  }
  return await sharp(noise, { raw: { width, height, channels: 3 } })
    .withMetadata({ icc: "p3" })
    .withExif({ IFD0: { Make: "Phone", Model: "Office camera", Software: "Camera 1.0" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "50/1 50/1 3000/100", GPSLongitudeRef: "E", GPSLongitude: "4/1 21/1 0/1" } })
    .jpeg({ quality: 90, progressive })
    .toBuffer();
}

/** Inserts a comment, an XMP packet, an IPTC block and an MPF block after SOI, and a trailer after EOI. */
function withMoreMetadata(jpeg: Buffer): Buffer {
  const extra = Buffer.concat([
    segment(0xfe, Buffer.from("Taken at 12 rue de la Loi, Brussels")),
    segment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>50,50.5N</exif:GPSLatitude></x:xmpmeta>')),
    segment(0xed, Buffer.from("Photoshop 3.0\x008BIM location")),
    segment(0xe2, Buffer.from("MPF\0second picture index")),
  ]);
  return Buffer.concat([jpeg.subarray(0, 2), extra, jpeg.subarray(2), Buffer.from("maker trailer with GPS 50.84,4.35")]);
}

const pixels = async (jpeg: Buffer) => await sharp(jpeg).raw().toBuffer();

describe("removing a JPEG's metadata without decoding it", () => {
  for (const progressive of [false, true]) {
    it(`drops EXIF, GPS, XMP, IPTC, comments, MPF and trailers and keeps every pixel and the colour profile (${progressive ? "progressive" : "baseline"})`, async () => {
      const original = withMoreMetadata(await cameraPhoto(progressive));
      expect(await exifr.gps(original)).toMatchObject({ latitude: expect.closeTo(50.84, 2) as unknown });
      const clean = await strip(original);
      expect(await exifr.gps(clean)).toBeUndefined();
      expect(await exifr.parse(clean)).toBeUndefined();
      const meta = await sharp(clean).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.icc).toBeDefined();
      for (const word of ["rue de la Loi", "GPSLatitude", "8BIM", "MPF\0", "maker trailer", "Office camera"]) expect(clean.includes(Buffer.from(word))).toBe(false);
      expect(clean.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
      expect(await pixels(clean)).toEqual(await pixels(original));
      // The same bytes whatever the pieces the upload arrives in (markers split across pieces).
      for (const piece of [1, 7, 4093]) expect(await strip(original, piece)).toEqual(clean);
    });
  }

  it("refuses a file cut before its end, and a file that is not a JPEG", async () => {
    const photo = await cameraPhoto(false);
    await expect(strip(photo.subarray(0, photo.length - 1000))).rejects.toThrow(/end-of-image/);
    await expect(strip(Buffer.from("GIF89a not a jpeg"))).rejects.toThrow(/not a JPEG/);
  });
});
