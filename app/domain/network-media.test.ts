import { describe, expect, it } from "vitest";
import { imageFitsAsIs, mediaRuleProblems, rulesFor, type MediaFileFacts } from "./network-media";
import type { Visual } from "./visuals";

const image = (hash: string, alt = "Une image"): Visual => ({ hash, kind: "image", alt, sameInBothLanguages: false, containsText: false });
const video = (hash: string): Visual => ({ hash, kind: "video", alt: "Une vidéo", sameInBothLanguages: false, containsText: false });
const files: Record<string, MediaFileFacts> = {
  photo: { kind: "image", format: "webp", bytes: 6 * 1024 * 1024, width: 4000, height: 3000, durationMs: null },
  short: { kind: "video", format: "mp4", bytes: 20 * 1024 * 1024, width: 1920, height: 1080, durationMs: 90_000 },
  long: { kind: "video", format: "mp4", bytes: 300 * 1024 * 1024, width: 1080, height: 1920, durationMs: 600_000 },
  tall: { kind: "video", format: "mov", bytes: 10 * 1024 * 1024, width: 400, height: 1600, durationMs: 2_000 },
};

describe("each network's rules for visuals", () => {
  it("YouTube wants one video and no images; Bluesky gets no videos from Cadence", () => {
    expect(mediaRuleProblems("yt", rulesFor("youtube", { carriesVideos: true }), [], files)).toEqual([{ code: "media.videoRequired", channelId: "yt" }]);
    expect(mediaRuleProblems("yt", rulesFor("youtube", { carriesVideos: true }), [image("photo")], files).map((p) => p.code)).toEqual(["media.videoRequired", "media.noImages"]);
    expect(mediaRuleProblems("yt", rulesFor("youtube", { carriesVideos: true }), [video("long")], files)).toEqual([]);
    expect(mediaRuleProblems("bs", rulesFor("bluesky", { carriesVideos: false }), [video("short")], files)).toEqual([{ code: "media.noVideos", channelId: "bs" }]);
  });

  it("X: a video up to 140 s, from 1:3 to 3:1; LinkedIn from 3 s and up to 2.4:1; Mastodon's size from the instance", () => {
    expect(mediaRuleProblems("x", rulesFor("x"), [video("short")], files)).toEqual([]);
    expect(mediaRuleProblems("x", rulesFor("x"), [video("long")], files)).toEqual([{ code: "media.videoTooLong", channelId: "x", seconds: 600, limit: 140 }]);
    expect(mediaRuleProblems("li", rulesFor("linkedin"), [video("tall")], files)).toEqual([
      { code: "media.videoFormat", channelId: "li", format: "MOV", formats: "MP4" },
      { code: "media.videoTooShort", channelId: "li", seconds: 2, limit: 3 },
      { code: "media.videoAspect", channelId: "li", ratio: "1:4", min: "1:2.4", max: "2.4:1" },
    ]);
    // Facebook and LinkedIn take MP4 only; X and Mastodon take a MOV as it is.
    expect(mediaRuleProblems("fb", rulesFor("facebook", { carriesVideos: true }), [video("tall")], files)).toEqual([{ code: "media.videoFormat", channelId: "fb", format: "MOV", formats: "MP4" }]);
    expect(mediaRuleProblems("fb", rulesFor("facebook", { carriesVideos: true }), [video("short")], files)).toEqual([]);
    expect(mediaRuleProblems("x", rulesFor("x"), [video("tall")], files).map((p) => p.code)).toEqual(["media.videoAspect"]);
    expect(mediaRuleProblems("m", rulesFor("mastodon", { carriesVideos: true }), [video("long")], files)).toEqual([{ code: "media.videoTooLarge", channelId: "m", mb: 300, limit: 99 }]);
    expect(mediaRuleProblems("m", rulesFor("mastodon", { carriesVideos: true, limits: { videoSizeLimit: 400 * 1024 * 1024 } }), [video("long")], files)).toEqual([]);
    expect(mediaRuleProblems("m", rulesFor("mastodon", { limits: { maxAttachments: 2 } }), [image("photo"), image("photo"), image("photo")], files)).toEqual([{ code: "media.tooManyImages", channelId: "m", count: 3, limit: 2 }]);
  });

  it("an alt text longer than the network keeps is a problem; a heavy image or another format is only re-encoded", () => {
    expect(mediaRuleProblems("m", rulesFor("mastodon", { limits: { descriptionLimit: 10 } }), [image("photo", "Un texte bien trop long")], files)).toEqual([{ code: "media.altTooLong", channelId: "m", position: 0, length: 23, limit: 10 }]);
    expect(mediaRuleProblems("x", rulesFor("x"), [image("photo")], files)).toEqual([]);
    expect(imageFitsAsIs(rulesFor("x"), files.photo!)).toBe(false);
    expect(imageFitsAsIs(rulesFor("mastodon"), files.photo!)).toBe(true);
    expect(imageFitsAsIs(rulesFor("linkedin"), { ...files.photo!, bytes: 1000 })).toBe(false);
  });
});
