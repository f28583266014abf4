import type { S3Client } from "@aws-sdk/client-s3";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { MediaConfig } from "../config.server";

/**
 * Where media files live: content-addressed keys ("originals/ab/<sha256>.png"), so a file is
 * written once whoever uploads it, and never changed. Two stores behind one interface: the data
 * folder (one machine), or any S3-compatible object storage (several web and scheduler processes
 * on several machines share it).
 */
export interface MediaStorage {
  readonly kind: "local" | "s3";
  /** Stores a finished file (read from disk, streamed); a key already there is left as it is. */
  put(key: string, file: string, contentType: string): Promise<void>;
  /** The file's bytes as a stream (from byte `start`), or null if it is not there. `size` is the whole file's. */
  get(key: string, start?: number): Promise<{ body: Readable; size: number | null } | null>;
  exists(key: string): Promise<boolean>;
  remove(key: string): Promise<void>;
}

function safeKey(key: string): string {
  if (!/^[a-z0-9][a-z0-9/._-]*$/.test(key) || key.includes("..")) throw new Error(`invalid media key: ${key}`);
  return key;
}

export function localStorage(directory: string): MediaStorage {
  const full = (key: string) => path.join(directory, safeKey(key));
  const exists = async (key: string) =>
    await fs.promises.access(full(key)).then(
      () => true,
      () => false,
    );
  return {
    kind: "local",
    async put(key, file) {
      const target = full(key);
      if (await exists(key)) return;
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      // Copied beside, then renamed: a reader never sees half a file.
      const partial = `${target}.${process.pid}.${Date.now()}.part`;
      await fs.promises.copyFile(file, partial);
      await fs.promises.rename(partial, target);
    },
    async get(key, start = 0) {
      try {
        const stat = await fs.promises.stat(full(key));
        return { body: fs.createReadStream(full(key), { start }), size: stat.size };
      } catch {
        return null;
      }
    },
    exists,
    async remove(key) {
      await fs.promises.rm(full(key), { force: true });
    },
  };
}

export function s3Storage(s3: NonNullable<MediaConfig["s3"]>): MediaStorage {
  // The AWS SDK is loaded on first use, not at import: a job's worker that never reads media does
  // not pay its load (about 0.3 s of CPU each time a worker starts).
  let loading: Promise<{ client: S3Client; sdk: typeof import("@aws-sdk/client-s3") }> | null = null;
  const s3Client = () =>
    (loading ??= import("@aws-sdk/client-s3").then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: s3.region,
        ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
        forcePathStyle: s3.forcePathStyle,
        // Checksums only where S3 requires them: many S3-compatible servers do not read the SDK's
        // default "aws-chunked" uploads with trailing checksums and would store the framing too.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        ...(s3.accessKeyId && s3.secretAccessKey ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } } : {}),
      }),
    })));
  const missing = (error: unknown) => {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
  };
  const storage: MediaStorage = {
    kind: "s3",
    async put(key, file, contentType) {
      if (await storage.exists(key)) return;
      const size = (await fs.promises.stat(file)).size;
      // Streamed from disk with its length: the file is never held in memory.
      const { client, sdk } = await s3Client();
      await client.send(new sdk.PutObjectCommand({ Bucket: s3.bucket, Key: safeKey(key), Body: fs.createReadStream(file), ContentLength: size, ContentType: contentType }));
    },
    async get(key, start = 0) {
      try {
        const { client, sdk } = await s3Client();
        const r = await client.send(new sdk.GetObjectCommand({ Bucket: s3.bucket, Key: safeKey(key), ...(start > 0 ? { Range: `bytes=${start}-` } : {}) }));
        if (!r.Body) return null;
        const whole = start > 0 ? Number(/\/(\d+)$/.exec(r.ContentRange ?? "")?.[1] ?? NaN) : (r.ContentLength ?? NaN);
        return { body: r.Body as Readable, size: Number.isFinite(whole) ? whole : null };
      } catch (error) {
        if (missing(error)) return null;
        throw error;
      }
    },
    async exists(key) {
      try {
        const { client, sdk } = await s3Client();
        await client.send(new sdk.HeadObjectCommand({ Bucket: s3.bucket, Key: safeKey(key) }));
        return true;
      } catch (error) {
        if (missing(error)) return false;
        throw error;
      }
    },
    async remove(key) {
      const { client, sdk } = await s3Client();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: s3.bucket, Key: safeKey(key) }));
    },
  };
  return storage;
}

const cache = new WeakMap<MediaConfig, MediaStorage>();

/** The storage the settings choose (S3 when MEDIA_S3_BUCKET is set), one per configuration. */
export function mediaStorage(config: MediaConfig): MediaStorage {
  let storage = cache.get(config);
  if (!storage) {
    storage = config.s3 ? s3Storage(config.s3) : localStorage(config.directory);
    cache.set(config, storage);
  }
  return storage;
}

export function readableOf(body: Readable | ReadableStream): Readable {
  return body instanceof Readable ? body : Readable.fromWeb(body as import("node:stream/web").ReadableStream);
}
