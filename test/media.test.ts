import exifr from "exifr";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { deflateSync } from "node:zlib";
import S3rver from "s3rver";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../app/server/web.server";
import type { AppContext } from "../app/services/context.server";
import { ingestMedia, openMedia, originalKey } from "../app/services/media.server";
import { s3Storage } from "../app/services/media-storage.server";
import type { User } from "../db/schema";
import { probeVideo } from "../app/services/video.server";
import { makePasswordUser } from "./factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { makeVideo, videoTags } from "./setup/videos";
import { signedInClient, startTestServer } from "./setup/web";

/**
 * The media library's intake, on the data folder and on a real local S3-compatible server
 * (s3rver): metadata removed (read back), one file for two uploads, and the bad inputs refused
 * with nothing stored — a file that is not what its name says, a damaged one, a decompression
 * bomb, an upload over the limit, a name with path characters.
 */
let t: TestDatabase;
let ctx: AppContext;
let editor: User;
let viewer: User;
let dataDir: string;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-media-"));
  const base = testContext(t.db);
  ctx = { ...base, config: { ...base.config, dataDir, media: { ...base.config.media, directory: path.join(dataDir, "media"), maxImageBytes: 2 * 1024 * 1024 } } };
  editor = await makePasswordUser(ctx, { email: "editor@media.test", displayName: "Editor", password: PASSWORD, roles: ["editor"] });
  viewer = await makePasswordUser(ctx, { email: "viewer@media.test", displayName: "Viewer", password: PASSWORD, roles: ["viewer"] });
});
afterAll(async () => {
  await t?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const photoWithGps = async () =>
  await sharp({ create: { width: 1600, height: 1200, channels: 3, background: "#2a5599" } })
    .withExif({ IFD0: { Make: "Phone", Model: "Office camera" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "50/1 50/1 3000/100", GPSLongitudeRef: "E", GPSLongitude: "4/1 21/1 0/1" } })
    .jpeg({ quality: 92 })
    .toBuffer();
const upload = (bytes: Buffer, name: string, who: User = editor, on: AppContext = ctx) => ingestMedia(on, who, { body: Readable.from([bytes]), declaredName: name, declaredLength: bytes.length });
const rows = async () => Number((await t.db.selectFrom("media_files").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
const leftovers = () => (fs.existsSync(path.join(dataDir, "tmp")) ? fs.readdirSync(path.join(dataDir, "tmp")) : []);
const bytesOf = async (body: Readable) => Buffer.concat(await body.toArray());

/** A PNG whose header says 50,000 × 50,000 pixels, in a few hundred bytes: decoding it would need gigabytes. */
function pngBomb(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(50_000, 0);
  ihdr.writeUInt32BE(50_000, 4);
  ihdr.writeUInt8(1, 8); // 1 bit per pixel, greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.alloc(6251 * 64))), chunk("IEND", Buffer.alloc(0))]);
}

describe("uploading an image", () => {
  it("stores it without its EXIF and GPS data (read back), with its size and a thumbnail", async () => {
    const original = await photoWithGps();
    expect(await exifr.gps(original)).toMatchObject({ latitude: expect.closeTo(50.84, 2) as unknown });
    const result = await upload(original, "bureau-namur.jpg");
    if (!result.ok) throw new Error(result.key);
    expect(result.media).toMatchObject({ kind: "image", format: "jpeg", width: 1600, height: 1200, name: "bureau-namur.jpg" });
    const stored = await bytesOf((await openMedia(ctx, result.media.hash, "original"))!.body);
    expect(await exifr.gps(stored)).toBeUndefined();
    expect(await exifr.parse(stored)).toBeUndefined();
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
    const thumb = await sharp(await bytesOf((await openMedia(ctx, result.media.hash, "thumb"))!.body)).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(["webp", 320, 240]);
    expect(fs.existsSync(path.join(dataDir, "media", originalKey(result.media.hash, "jpeg")))).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it("an upright photo keeps its very pixels (its metadata dropped, not re-encoded); a photo taken sideways is turned upright", async () => {
    const upright = await photoWithGps();
    const kept = await upload(upright, "upright.jpg");
    if (!kept.ok) throw new Error(kept.key);
    const stored = await bytesOf((await openMedia(ctx, kept.media.hash, "original"))!.body);
    expect((await sharp(stored).raw().toBuffer()).equals(await sharp(upright).raw().toBuffer())).toBe(true);
    // EXIF orientation 6: the camera was held sideways; the stored picture is upright and has no EXIF.
    const sideways = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#993322" } })
      .withExif({ IFD0: { Make: "Phone" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "50/1 50/1 3000/100", GPSLongitudeRef: "E", GPSLongitude: "4/1 21/1 0/1" } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const turned = await upload(sideways, "sideways.jpg");
    if (!turned.ok) throw new Error(turned.key);
    expect([turned.media.width, turned.media.height]).toEqual([600, 800]);
    const file = await bytesOf((await openMedia(ctx, turned.media.hash, "original"))!.body);
    expect(await exifr.parse(file)).toBeUndefined();
    expect([(await sharp(file).metadata()).width, (await sharp(file).metadata()).orientation]).toEqual([600, undefined]);
  });

  it("the same file uploaded twice is one row and one stored file", async () => {
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#ffcc00" } }).png().toBuffer();
    const before = await rows();
    const first = await upload(photo, "a.png");
    const second = await upload(photo, "copie de a.png");
    if (!first.ok || !second.ok) throw new Error("refused");
    expect(second.media.hash).toBe(first.media.hash);
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    expect(await rows()).toBe(before + 1);
  });

  it("refuses what is not an image whatever its name, a damaged image, a decompression bomb, an upload over the limit: nothing stored, nothing left behind", async () => {
    const before = await rows();
    expect(await upload(Buffer.from("<html><script>alert(1)</script></html>".repeat(10)), "infographie.png")).toMatchObject({ ok: false, status: 415, key: "media.error.type" });
    const jpeg = await photoWithGps();
    expect(await upload(jpeg.subarray(0, Math.floor(jpeg.length / 2)), "cut.jpg")).toMatchObject({ ok: false, status: 415, key: "media.error.corrupt" });
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(2_000);
    const rss = process.memoryUsage().rss;
    expect(await upload(bomb, "bomb.png")).toMatchObject({ ok: false, status: 413, key: "media.error.pixels", params: { width: 50_000, height: 50_000, max: 40 } });
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
    // 3 MB of noise as a PNG, over this test's 2 MB limit for images: cut off while it streams.
    const noise = await sharp(Buffer.from(Array.from({ length: 1200 * 1000 * 3 }, () => Math.floor(Math.random() * 256))), { raw: { width: 1200, height: 1000, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
    expect(noise.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(await ingestMedia(ctx, editor, { body: Readable.from([noise.subarray(0, 1 << 20), noise.subarray(1 << 20)]), declaredName: "big.png" })).toMatchObject({ ok: false, status: 413, key: "media.error.tooLarge", params: { max: 2 } });
    expect(await rows()).toBe(before);
    expect(leftovers()).toEqual([]);
  });

  it("keeps only a name's last part, and only editors and translators upload", async () => {
    const photo = await sharp({ create: { width: 200, height: 100, channels: 3, background: "#00aa55" } }).webp().toBuffer();
    const result = await upload(photo, "../../etc/passwd.webp");
    expect(result.ok && result.media.name).toBe("passwd.webp");
    expect(await upload(photo, "x.webp", viewer)).toMatchObject({ ok: false, status: 403 });
  });
});

describe("uploading a video", () => {
  it("reads its facts, drops its GPS position and camera (read back), keeps the picture, and takes a frame as its thumbnail", async () => {
    const clip = makeVideo({ seconds: 2, width: 640, height: 360, format: "mov", location: true });
    const source = path.join(dataDir, "source.mov");
    fs.writeFileSync(source, clip);
    expect(videoTags(source)).toMatchObject({ location: "+50.8466+004.3528/", make: "Phone" });
    const result = await upload(clip, "capsule-tax-on-web.mov");
    if (!result.ok) throw new Error(result.key);
    expect(result.media).toMatchObject({ kind: "video", format: "mov", width: 640, height: 360, durationMs: expect.closeTo(2000, -2) as unknown, name: "capsule-tax-on-web.mov" });
    const stored = path.join(dataDir, "media", originalKey(result.media.hash, "mov"));
    const tags = videoTags(stored);
    expect(tags.location).toBeUndefined();
    expect(tags.make).toBeUndefined();
    expect(tags.model).toBeUndefined();
    const probe = await probeVideo("ffprobe", stored);
    expect(probe).toMatchObject({ ok: true, facts: { codec: "h264", audioCodec: "aac", width: 640, height: 360 } });
    const thumb = await sharp(await bytesOf((await openMedia(ctx, result.media.hash, "thumb"))!.body)).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(["webp", 320, 180]);
    expect(leftovers()).toEqual([]);
    fs.rmSync(source);
  });

  it("refuses a truncated video, a codec the networks do not take, and a file that only claims to be a video: nothing stored", async () => {
    const before = await rows();
    const clip = makeVideo({ seconds: 1 });
    expect(await upload(clip.subarray(0, clip.length - 5_000), "cut.mp4")).toMatchObject({ ok: false, status: 415, key: "media.error.videoCorrupt" });
    expect(await upload(makeVideo({ seconds: 1, codec: "mpeg4" }), "old.mp4")).toMatchObject({ ok: false, status: 415, key: "media.error.videoCodec", params: { codec: "mpeg4" } });
    // An "ftyp" box and then noise: the boxes do not add up.
    const fake = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypisom"), Buffer.alloc(12), Buffer.from("garbage that is not a movie".repeat(40))]);
    expect(await upload(fake, "film.mp4")).toMatchObject({ ok: false, status: 415, key: "media.error.videoCorrupt" });
    expect(await rows()).toBe(before);
    expect(leftovers()).toEqual([]);
  });

  it("says so, in the user's language, when the server has no ffmpeg", async () => {
    const without = { ...ctx, config: { ...ctx.config, media: { ...ctx.config.media, ffprobePath: "/nonexistent/ffprobe" } } };
    expect(await upload(makeVideo({ seconds: 1 }), "clip.mp4", editor, without)).toMatchObject({ ok: false, status: 415, key: "media.error.videoTools" });
    expect(leftovers()).toEqual([]);
  });
});

describe("on S3-compatible storage", () => {
  it("stores and serves the file from a real local S3 server", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-s3-"));
    const server = new S3rver({ port, address: "127.0.0.1", silent: true, directory, configureBuckets: [{ name: "cadence-media", configs: [] }] });
    await server.run();
    try {
      const s3 = { bucket: "cadence-media", endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER", forcePathStyle: true };
      const onS3: AppContext = { ...ctx, config: { ...ctx.config, media: { ...ctx.config.media, s3 } } };
      const photo = await photoWithGps();
      const result = await upload(photo, "s3.jpg", editor, onS3);
      if (!result.ok) throw new Error(result.key);
      // Read back through a separate client: the object is really on the server.
      const object = await s3Storage(s3).get(originalKey(result.media.hash, "jpeg"));
      const stored = await bytesOf(object!.body);
      expect(stored.length).toBe(result.media.bytes);
      expect(await exifr.gps(stored)).toBeUndefined();
      const served = await bytesOf((await openMedia(onS3, result.media.hash, "original"))!.body);
      expect(served.equals(stored)).toBe(true);
      expect(await s3Storage(s3).exists(originalKey("0".repeat(64), "png"))).toBe(false);
    } finally {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe("over HTTP", () => {
  it("an editor uploads with a progress-friendly raw body and reads the thumbnail; a refusal in the user's language; a viewer may not upload", async () => {
    const server: RunningWebServer = await startTestServer(ctx);
    try {
      const client = await signedInClient(server.url, "editor@media.test", PASSWORD);
      const photo = await sharp({ create: { width: 900, height: 600, channels: 3, background: "#aa3311" } }).jpeg().toBuffer();
      const post = (as: typeof client, body: Buffer, name: string) =>
        fetch(`${server.url}/media/upload`, { method: "POST", headers: { cookie: `cadence_session=${as.cookie("cadence_session")!}`, origin: server.url, "content-type": "application/octet-stream", "x-file-name": encodeURIComponent(name), "accept-language": "fr" }, body: new Uint8Array(body) });
      const created = await post(client, photo, "Infographie déclaration.jpg");
      expect(created.status).toBe(201);
      const body = (await created.json()) as { media: { hash: string; thumbUrl: string; name: string } };
      expect(body.media.name).toBe("Infographie déclaration.jpg");
      const thumb = await client.request(body.media.thumbUrl);
      expect(thumb.status).toBe(200);
      expect(thumb.headers.get("content-type")).toBe("image/webp");
      const refused = await post(client, Buffer.from("not an image at all, just text"), "x.jpg");
      expect(refused.status).toBe(415);
      expect(((await refused.json()) as { error: string }).error).toContain("is not an image");
      const reader = await signedInClient(server.url, "viewer@media.test", PASSWORD);
      expect((await post(reader, photo, "x.jpg")).status).toBe(403);
      expect((await client.request(`/media/${"f".repeat(64)}`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
