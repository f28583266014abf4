import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Real video files for the tests, made by Debian's ffmpeg (which CI installs, as a deployment
 * does): a test pattern with a tone, H.264 in MP4 or MOV, optionally tagged with a GPS position and
 * a camera the way a phone tags them.
 */
export function makeVideo(options: { seconds?: number; width?: number; height?: number; format?: "mp4" | "mov"; codec?: "h264" | "mpeg4"; location?: boolean; grainy?: boolean } = {}): Buffer {
  const { seconds = 2, width = 640, height = 360, format = "mp4", codec = "h264", location = false, grainy = false } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-video-"));
  const out = path.join(dir, `clip.${format}`);
  try {
    execFileSync(
      "ffmpeg",
      [
        "-v", "error", "-nostdin", "-y",
        "-f", "lavfi", "-i", `testsrc=size=${width}x${height}:rate=25`,
        "-f", "lavfi", "-i", "sine=frequency=440",
        "-t", String(seconds),
        // Grain does not compress: a few seconds make a file of several megabytes.
        ...(grainy ? ["-vf", "noise=alls=60:allf=t", "-crf", "10"] : []),
        ...(codec === "h264" ? ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"] : ["-c:v", "mpeg4"]),
        "-c:a", "aac",
        ...(location ? ["-metadata", "location=+50.8466+004.3528/", "-metadata", "make=Phone", "-metadata", "model=Office camera"] : []),
        out,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The global tags ffprobe finds in a file (where a phone writes its position). */
export function videoTags(file: string): Record<string, string> {
  const out = execFileSync("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", file], { encoding: "utf8" });
  return (JSON.parse(out) as { format?: { tags?: Record<string, string> } }).format?.tags ?? {};
}
