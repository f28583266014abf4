import { execFile } from "node:child_process";
import fs from "node:fs";
import { loadSharp } from "./image-library.server";
import type { MediaFormat } from "../domain/media-kind";

/**
 * A video's intake, after it was streamed to disk: its boxes must account for every byte (a
 * truncated upload is refused), its facts are read by ffprobe (codec, size, duration), its metadata
 * (GPS position, camera, dates) is dropped by remuxing it with ffmpeg — no re-encoding, so the
 * picture is untouched and it takes a fraction of a second — and its thumbnail is a frame taken by
 * ffmpeg. ffmpeg and ffprobe are Debian's (`apt-get install ffmpeg`); each runs as a child process
 * with a time limit, killed when it overruns, so the web process's memory does not grow with the
 * video.
 */

export interface VideoFacts {
  width: number;
  height: number;
  durationMs: number;
  /** The video stream's codec as ffprobe names it ("h264", "hevc"…). */
  codec: string;
  audioCodec: string | null;
}

export type VideoCheck = { ok: true; facts: VideoFacts } | { ok: false; reason: "tools" | "corrupt" | "codec"; codec?: string };

const PROBE_TIMEOUT_MS = 30_000;
const REMUX_TIMEOUT_MS = 300_000;

/** The codecs every network that takes videos accepts (X, Facebook, LinkedIn, YouTube, Mastodon, Bluesky). */
export const ACCEPTED_VIDEO_CODECS = ["h264"] as const;

function run(command: string, args: string[], timeoutMs: number, encoding: "utf8" | "buffer" = "utf8"): Promise<{ ok: true; stdout: Buffer | string } | { ok: false; missing: boolean; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 8 * 1024 * 1024, encoding: encoding === "buffer" ? "buffer" : "utf8", windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        resolve({ ok: false, missing: code === "ENOENT" || code === "EACCES", stderr: String(stderr).slice(0, 500) });
      } else resolve({ ok: true, stdout });
    });
  });
}

/**
 * Walks the file's top-level boxes (ISO base media and QuickTime share them): each box's size must
 * land inside the file and the last one end exactly at its end, and a movie needs its `moov` (the
 * index) and `mdat` (the data). A download or upload cut short fails here, before any tool runs.
 */
export async function boxesAreWhole(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, "r");
  try {
    const size = (await handle.stat()).size;
    const header = Buffer.alloc(16);
    const seen = new Set<string>();
    let offset = 0;
    for (let boxes = 0; offset < size; boxes++) {
      if (boxes > 10_000 || size - offset < 8) return false;
      await handle.read(header, 0, 16, offset);
      let length = header.readUInt32BE(0);
      const type = header.toString("latin1", 4, 8);
      if (length === 1) {
        if (size - offset < 16) return false;
        const large = header.readBigUInt64BE(8);
        if (large > BigInt(Number.MAX_SAFE_INTEGER)) return false;
        length = Number(large);
      } else if (length === 0) length = size - offset;
      if (length < 8 || offset + length > size) return false;
      seen.add(type);
      offset += length;
    }
    return seen.has("moov") && seen.has("mdat");
  } finally {
    await handle.close();
  }
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  side_data_list?: { rotation?: number }[];
  tags?: { rotate?: string };
}

/** The facts of a video file that ffprobe can read, or why not. */
export async function probeVideo(ffprobe: string, file: string): Promise<VideoCheck> {
  if (!(await boxesAreWhole(file))) return { ok: false, reason: "corrupt" };
  const r = await run(ffprobe, ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file], PROBE_TIMEOUT_MS);
  if (!r.ok) return { ok: false, reason: r.missing ? "tools" : "corrupt" };
  let parsed: { streams?: ProbeStream[]; format?: { duration?: string } };
  try {
    parsed = JSON.parse(String(r.stdout)) as typeof parsed;
  } catch {
    return { ok: false, reason: "corrupt" };
  }
  const video = parsed.streams?.find((s) => s.codec_type === "video");
  const audio = parsed.streams?.find((s) => s.codec_type === "audio");
  const seconds = Number(parsed.format?.duration ?? video?.duration ?? NaN);
  if (!video?.codec_name || !video.width || !video.height || !Number.isFinite(seconds) || seconds <= 0) return { ok: false, reason: "corrupt" };
  if (!(ACCEPTED_VIDEO_CODECS as readonly string[]).includes(video.codec_name)) return { ok: false, reason: "codec", codec: video.codec_name };
  // A phone's portrait video is stored landscape with a rotation: people see it turned.
  const rotation = Math.abs(Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0)) % 180;
  const [width, height] = rotation === 90 ? [video.height, video.width] : [video.width, video.height];
  return { ok: true, facts: { width, height, durationMs: Math.round(seconds * 1000), codec: video.codec_name, audioCodec: audio?.codec_name ?? null } };
}

/**
 * Copies the first video and audio streams into a new file without any metadata: the global tags
 * (location, make, model, creation time), chapters, and the other tracks (a phone's timed GPS or
 * depth data) are left behind; the index is put first so the file starts playing while it loads.
 */
export async function cleanVideo(ffmpeg: string, input: string, output: string, format: MediaFormat): Promise<boolean> {
  const r = await run(
    ffmpeg,
    ["-v", "error", "-nostdin", "-y", "-i", input, "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-map_metadata", "-1", "-map_metadata:s", "-1", "-map_chapters", "-1", "-movflags", "+faststart", "-f", format === "mov" ? "mov" : "mp4", output],
    REMUX_TIMEOUT_MS,
  );
  return r.ok;
}

/** A frame from the first second (or the middle of a shorter video), as a WebP of at most `size` pixels. */
export async function videoThumbnail(ffmpeg: string, file: string, durationMs: number, output: string, size: number): Promise<boolean> {
  const at = Math.min(1, durationMs / 2000).toFixed(3);
  const r = await run(ffmpeg, ["-v", "error", "-nostdin", "-ss", at, "-i", file, "-frames:v", "1", "-vf", `scale=${size}:${size}:force_original_aspect_ratio=decrease`, "-f", "image2pipe", "-c:v", "png", "-"], PROBE_TIMEOUT_MS, "buffer");
  if (!r.ok || !(r.stdout instanceof Buffer) || r.stdout.length === 0) return false;
  await (await loadSharp())(r.stdout).webp({ quality: 75 }).toFile(output);
  return true;
}
