import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { sql } from "kysely";
import sharp from "sharp";
import { fitImage } from "../../app/channels/media-fit.server";
import { rulesFor } from "../../app/domain/network-media";
import { commitSessionCookie } from "../../app/services/session.server";
import { signIn as signInService } from "../../app/services/auth.server";
import { ingestMedia } from "../../app/services/media.server";
import { encryptCredentials } from "../../app/services/credentials-crypto.server";
import { runStager } from "../../app/services/media-staging.server";
import { runPublisher } from "../../app/services/publishing.server";
import { burstLags, seedBurst, untilSettled } from "./burst";
import { hashPassword } from "../../app/services/passwords.server";
import { createDb } from "../../db/client";
import type { User } from "../../db/schema";
import { benchDatabase } from "./bench-database";
import { benchContext, startProductionServer } from "./production-server";
import { percentile, report } from "./report";

/**
 * The media library's speed and memory:
 * - media.upload_10mb_image_p95: a 10 MB photo taken in (streamed, checked, re-encoded without its
 *   metadata, hashed, thumbnail, stored) and fitted for every network that takes images (X,
 *   Bluesky, Mastodon, Facebook, LinkedIn — the five variants at once, as five publishing jobs
 *   would), 20 different photos, one after the other;
 * - media.publish_1000_with_image_lag_p99: 1,000 posts with one image each, already in the
 *   library, approved ahead and due at the same second, published to the local X by the publish
 *   job's two loops (the stager uploads each image with its alt text in the minutes before, the
 *   publisher posts at the minute); lag = the post call's start − its minute. The share of posts
 *   whose image was staged before the minute is printed beside it, and the same burst approved at
 *   the last second (every upload at the minute: `…_unstaged_lag_p99`) for comparison;
 * - media.upload_peak_rss_mb: the production web process's peak resident memory (VmHWM) while
 *   five 200 MB videos are uploaded to it at once over HTTP.
 */
export async function run(): Promise<void> {
  const bench = await benchDatabase("media");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-bench-media-"));
  try {
    const base = benchContext(bench.db);
    const ctx = { ...base, config: { ...base.config, dataDir, media: { ...base.config.media, directory: path.join(dataDir, "media") } } };
    const user = (await bench.db
      .insertInto("users")
      .values({ email: "bench@test.be", display_name: "Bench", roles: ["editor", "approver"], password_hash: await hashPassword("bench-password-1") })
      .returningAll()
      .executeTakeFirstOrThrow());

    // MEDIA_BENCH=upload,publish,video (the default: all three) runs some of them.
    const parts = (process.env.MEDIA_BENCH ?? "upload,publish,video").split(",");
    if (parts.includes("upload")) await uploads(ctx, user);
    if (parts.includes("publish")) await publishing(bench.url, ctx, user);
    if (parts.includes("video")) await videoMemory(bench.url, ctx, dataDir);
  } finally {
    await bench.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A camera-like 10 MB JPEG: a 24-megapixel picture (6,000 × 4,000) with a sensor's fine grain (no two alike). */
async function photo(seed: number): Promise<Buffer> {
  const width = 6000;
  const height = 4000;
  const grain = Buffer.alloc(width * height);
  let x = (seed + 1) * 2654435761;
  for (let i = 0; i < grain.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    grain[i] = 128 + ((x >>> 24) - 128) / 3;
  }
  const base = sharp({ create: { width, height, channels: 3, background: { r: 40 + seed, g: 90, b: 160 } } });
  return await base
    .composite([{ input: grain, raw: { width, height, channels: 1 }, blend: "overlay" }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

async function uploads(ctx: ReturnType<typeof benchContext>, user: User): Promise<void> {
  const networks = (["x", "bluesky", "mastodon", "facebook", "linkedin"] as const).map((n) => rulesFor(n));
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 20; i++) {
    const file = await photo(i);
    bytes += file.length;
    const started = performance.now();
    const result = await ingestMedia(ctx, user, { body: Readable.from([file.subarray(0, file.length >> 1), file.subarray(file.length >> 1)]), declaredName: `photo-${i}.jpg`, declaredLength: file.length });
    if (!result.ok) throw new Error(`refused: ${result.key}`);
    const stored = fs.readFileSync(path.join(ctx.config.media.directory, "originals", result.media.hash.slice(0, 2), `${result.media.hash}.jpg`));
    await Promise.all(networks.map((rules) => fitImage(stored, "image/jpeg", rules)));
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  report("media.upload_image_size", Math.round(bytes / 20 / 1024 / 102.4) / 10, "MB");
  report("media.upload_10mb_image_p50", Math.round(percentile(times, 50)), "ms");
  report("media.upload_10mb_image_p95", Math.round(percentile(times, 95)), "ms");
}

/** The local networks in their own process, so that the bench measures Cadence's publisher alone. */
async function fakeProcess(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("fakes/serve.ts")], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const found = /listening (\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the local networks exited (${code})`)));
  });
  return { url, stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once("exit", () => resolve()), child.kill("SIGTERM")))) };
}

async function publishing(url: string, ctx: ReturnType<typeof benchContext>, user: User): Promise<void> {
  const fake = await fakeProcess();
  const publisherDb = createDb(url, { max: 16 });
  try {
    const images: string[] = [];
    for (let i = 0; i < 10; i++) {
      const png = await sharp({ create: { width: 1200, height: 675, channels: 3, background: { r: i * 20, g: 80, b: 140 } } }).png().toBuffer();
      const r = await ingestMedia(ctx, user, { body: Readable.from([png]), declaredName: `visual-${i}.png` });
      if (!r.ok) throw new Error(r.key);
      images.push(r.media.hash);
    }
    const channel = await ctx.db
      .insertInto("channels")
      .values({ network: "x", language: "bilingual", name: "X", handle: "cadence", base_url: `${fake.url}/x`, credentials_encrypted: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    await ctx.db.updateTable("channels").set({ credentials_encrypted: encryptCredentials(ctx.config.credentialsKey, channel.id, JSON.stringify({ accessToken: "x-token" })) }).where("id", "=", channel.id).execute();
    const run = { ctx, publisherDb, user, images, channelId: channel.id };
    // As the team works: approved ahead of their minute, so the stager has uploaded the images when it comes.
    const staged = await publishBurst(run, "staged", 20_000, true);
    report("media.publish_1000_with_image_lag_p50", staged.p50, "ms");
    report("media.publish_1000_with_image_lag_p99", staged.p99, "ms");
    report("media.publish_1000_with_image_staged_before_minute", staged.stagedShare, "share");
    report("media.stage_1000_images_s", Math.round(staged.stagingSpanS * 10) / 10, "s");
    // Without the stager (as before it existed, or approved at the last second): every upload at the minute.
    const late = await publishBurst(run, "late", 0, false);
    report("media.publish_1000_with_image_unstaged_lag_p50", late.p50, "ms");
    report("media.publish_1000_with_image_unstaged_lag_p99", late.p99, "ms");
  } finally {
    await publisherDb.destroy();
    await fake.stop();
  }
}

/**
 * 1,000 approved posts with one image each, due at the same second about `leadMs` after the
 * publisher (and the stager, as the publish job runs them) start (5 s more, less the time seeding
 * takes); lag = the post call's start − its minute.
 */
async function publishBurst(
  run: { ctx: ReturnType<typeof benchContext>; publisherDb: ReturnType<typeof createDb>; user: User; images: string[]; channelId: string },
  label: string,
  leadMs: number,
  stage: boolean,
): Promise<{ p50: number; p99: number; stagedShare: number; stagingSpanS: number }> {
  const { ctx, user, images } = run;
  const n = 1_000;
  const at = new Date(Date.now() + leadMs + 5_000);
  const ids = await seedBurst(ctx.db, { userId: user.id, channelId: run.channelId, label, n, at, visual: (i) => images[i % images.length]! });
  await sql`vacuum analyze`.execute(ctx.db);
  const controller = new AbortController();
  const pctx = { ...ctx, db: run.publisherDb };
  const publisher = runPublisher(pctx, { signal: controller.signal, concurrency: 64 });
  const stager = stage ? runStager(pctx, { signal: controller.signal, concurrency: 16 }) : Promise.resolve();
  await untilSettled(ctx.db, ids);
  controller.abort();
  await Promise.all([publisher, stager]);
  const lags = await burstLags(ctx.db, ids);
  const carried = await sql<{ n: number; early: number; span: number | null }>`
    select count(*)::int as n,
      extract(epoch from max(media_staged_at) - min(media_staged_at))::float8 as span,
      count(*) filter (where (select min((m.value->>'at')::timestamptz) from jsonb_each(media_ids) m) < due_at)::int as early
    from publications where state = 'published' and jsonb_typeof(media_ids) = 'object' and media_ids <> '{}'::jsonb and content_item_id in (${sql.join(ids)})`.execute(ctx.db);
  if (carried.rows[0]!.n !== n) throw new Error(`only ${carried.rows[0]!.n} of ${n} posts uploaded their image`);
  return { p50: Math.round(percentile(lags, 50)), p99: Math.round(percentile(lags, 99)), stagedShare: Math.round((carried.rows[0]!.early / n) * 1000) / 1000, stagingSpanS: carried.rows[0]!.span ?? 0 };
}

/** A 200 MB H.264 video (grainy, so that it does not compress), made once by ffmpeg. */
function bigVideo(dir: string): string {
  const file = path.join(dir, "big.mp4");
  execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-t", "12", "-vf", "noise=alls=60:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "8", "-pix_fmt", "yuv420p", "-fs", "200000000", file]);
  return file;
}

/** The peak resident memory of a process so far (Linux's VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function videoMemory(url: string, ctx: ReturnType<typeof benchContext>, dataDir: string): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-bench-video-"));
  const server = await startProductionServer(url, { CADENCE_DATA_DIR: dataDir });
  try {
    const file = bigVideo(work);
    const size = fs.statSync(file).size;
    const session = await signInService(ctx, { email: "bench@test.be", password: "bench-password-1" });
    if (!session.ok) throw new Error("the bench user cannot sign in");
    const cookie = (await commitSessionCookie(ctx, session.sessionToken, session.expiresAt)).split(";")[0]!;
    const before = peakRssMb(server.pid);
    const answers = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const body = Readable.toWeb(fs.createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
        const response = await fetch(`${server.url}/media/upload`, {
          method: "POST",
          headers: { cookie, origin: server.url, "content-type": "video/mp4", "content-length": String(size), "x-file-name": `capsule-${i}.mp4` },
          body,
          duplex: "half",
        });
        await response.text();
        return response.status;
      }),
    );
    if (answers.some((s) => s !== 200 && s !== 201)) throw new Error(`uploads answered ${answers.join(", ")}`);
    report("media.upload_video_size", Math.round(size / 1_000_000), "MB");
    report("media.upload_rss_before_mb", Math.round(before), "MB");
    report("media.upload_peak_rss_mb", Math.round(peakRssMb(server.pid)), "MB");
  } finally {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
