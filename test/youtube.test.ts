import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { youtubeTitle as videoTitle } from "../app/channels/youtube.server";
import { saveItem } from "../app/services/content-items.server";
import type { AppContext } from "../app/services/context.server";
import { ingestMedia } from "../app/services/media.server";
import { approveItems, checkPublishable, saveTranslation, submitForReview } from "../app/services/review.server";
import { setVisuals } from "../app/services/visuals.server";
import type { Channel, User } from "../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makeUser } from "./factories";
import { makeApiChannel, makeDueNow, publishUntilSettled } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";
import { makeVideo } from "./setup/videos";

/**
 * YouTube publishes videos: a French and a Dutch video, each with its title and description from
 * its version's text, uploaded through the resumable protocol against the local YouTube (which
 * follows Google's contract: sessions, 308 with Range, status queries). An upload cut half-way is
 * resumed, not restarted; an answer lost after the upload finished is recovered by asking the
 * session: one video each time. A text-only post is never scheduled there.
 */
let t: TestDatabase;
let ctx: AppContext;
let editor: User;
let translator: User;
let approver: User;
let ytFr: Channel;
let ytNl: Channel;
let fake: FakeNetworks;
let dataDir: string;
const videos: Record<"fr" | "nl", string> = { fr: "", nl: "" };
let day = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-youtube-"));
  const base = testContext(t.db);
  ctx = { ...base, config: { ...base.config, dataDir, media: { ...base.config.media, directory: path.join(dataDir, "media") } } };
  editor = await makeUser(t.db, ["editor"]);
  translator = await makeUser(t.db, ["translator"]);
  approver = await makeUser(t.db, ["approver"]);
  for (const [language, seconds] of [["fr", 2], ["nl", 3]] as const) {
    const r = await ingestMedia(ctx, editor, { body: Readable.from([makeVideo({ seconds })]), declaredName: `capsule-${language}.mp4` });
    if (!r.ok) throw new Error(r.key);
    videos[language] = r.media.hash;
  }
});
afterAll(async () => {
  await t?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(async () => {
  fake = await startFakeNetworks();
  ytFr = await makeApiChannel(ctx, "youtube", "fr", `${fake.url}/youtube`, { accessToken: "youtube-token" });
  ytNl = await makeApiChannel(ctx, "youtube", "nl", `${fake.url}/youtube`, { accessToken: "youtube-token" });
});
afterEach(async () => {
  await fake.close();
});

const versionOf = async (id: string) => (await t.db.selectFrom("content_items").select("version").where("id", "=", id).executeTakeFirstOrThrow()).version;

/** A bilingual video post: the French capsule and its Dutch twin, both alt texts, approved. */
async function approvedVideoPost(frText: string, nlText: string) {
  day++;
  const created = await saveItem(ctx, editor, null, { localDate: `2030-08-${String(day).padStart(2, "0")}`, localTime: "11:00", sourceLanguage: "fr", frText, nlText: "", channelIds: [ytFr.id, ytNl.id] });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  await setVisuals(ctx, editor, created.id, "fr", { version: created.version, visuals: [{ hash: videos.fr, alt: "Capsule vidéo : comment remplir Tax-on-web", containsText: true }] });
  await submitForReview(ctx, editor, created.id, await versionOf(created.id));
  await saveTranslation(ctx, translator, created.id, "nl", { version: await versionOf(created.id), text: nlText, submit: "0" });
  await setVisuals(ctx, translator, created.id, "nl", { version: await versionOf(created.id), visuals: [{ hash: videos.nl, alt: "Videocapsule: hoe Tax-on-web invullen", containsText: true }] });
  await saveTranslation(ctx, translator, created.id, "nl", { version: await versionOf(created.id), text: nlText, submit: "1" });
  expect(await approveItems(ctx, approver, [{ id: created.id, version: await versionOf(created.id) }])).toEqual({ ok: true, approved: 1, scheduled: 1 });
  return created.id;
}
const publications = (itemId: string) => t.db.selectFrom("publications").select(["channel_id", "state", "remote_id", "remote_url", "attempts", "media_ids"]).where("content_item_id", "=", itemId).execute();
const retryNow = (itemId: string) => t.db.updateTable("publications").set({ next_attempt_at: new Date() }).where("content_item_id", "=", itemId).where("state", "=", "scheduled").execute();

describe("YouTube", () => {
  it("publishes each language's video once, titled and described from its own text, in its language", async () => {
    const id = await approvedVideoPost("Tax-on-web en 2 minutes\nNotre capsule montre chaque étape de la déclaration.", "Tax-on-web in 2 minuten\nOnze capsule toont elke stap van de aangifte.");
    await makeDueNow(t.db, [id]);
    await publishUntilSettled(ctx, [id]);
    const posts = fake.posts.filter((p) => p.network === "youtube").map((p) => p.text.split("\n")[0]).sort();
    expect(posts).toEqual(["Tax-on-web en 2 minutes", "Tax-on-web in 2 minuten"]);
    const rows = await publications(id);
    expect(rows.map((r) => r.state)).toEqual(["published", "published"]);
    for (const r of rows) expect(r.remote_url).toBe(`https://www.youtube.com/watch?v=${r.remote_id}`);
    const uploads = fake.mediaUploads.filter((u) => u.network === "youtube");
    expect(uploads).toHaveLength(2);
    expect(uploads.every((u) => u.type === "video/mp4")).toBe(true);
    expect(fake.duplicates()).toEqual([]);
  });

  it("an upload cut off half-way is resumed from where the session stopped, not started again", async () => {
    const id = await approvedVideoPost("Reprise d'envoi\nTexte.", "Hervat uploaden\nTekst.");
    fake.fail("youtube", { status: 308 });
    await makeDueNow(t.db, [id]);
    await publishUntilSettled(ctx, [id], 2_000);
    await retryNow(id);
    await publishUntilSettled(ctx, [id]);
    expect((await publications(id)).map((r) => r.state)).toEqual(["published", "published"]);
    expect(fake.posts.filter((p) => p.network === "youtube")).toHaveLength(2);
    // One session per publication, the cut one resumed (the local YouTube refuses bytes that do not
    // continue where the session stopped, and a new session would be a third).
    const sessions = fake.calls.filter((c) => c.network === "youtube" && c.path.endsWith("/upload/youtube/v3/videos") && c.method === "POST");
    expect(sessions).toHaveLength(2);
    expect((await publications(id)).map((r) => r.attempts).sort()).toEqual([1, 2]);
    expect(fake.mediaUploads.filter((u) => u.network === "youtube")).toHaveLength(2);
  });

  it("the answer lost after the video was made: the retry asks the session and finds it, one video", async () => {
    const id = await approvedVideoPost("Réponse perdue\nTexte.", "Antwoord verloren\nTekst.");
    fake.fail("youtube", { status: 503, acceptThen: true, body: { error: { code: 503, message: "Backend Error" } } });
    await makeDueNow(t.db, [id]);
    await publishUntilSettled(ctx, [id], 2_000);
    await retryNow(id);
    await publishUntilSettled(ctx, [id]);
    const rows = await publications(id);
    expect(rows.map((r) => r.state)).toEqual(["published", "published"]);
    expect(fake.posts.filter((p) => p.network === "youtube")).toHaveLength(2);
    const ids = new Set(fake.posts.filter((p) => p.network === "youtube").map((p) => p.id));
    for (const r of rows) expect(ids.has(r.remote_id ?? "")).toBe(true);
    expect(fake.calls.filter((c) => c.network === "youtube" && c.path.endsWith("/upload/youtube/v3/videos") && c.method === "POST")).toHaveLength(2);
  });

  it("never schedules a text-only post or an image there, and says why", async () => {
    day++;
    const created = await saveItem(ctx, editor, null, { localDate: `2030-08-${String(day).padStart(2, "0")}`, localTime: "11:00", sourceLanguage: "fr", frText: "Un texte sans vidéo.", nlText: "", channelIds: [ytFr.id, ytNl.id] });
    if (!created.ok) throw new Error("item");
    expect(await checkPublishable(t.db, created.id)).toMatchObject({ ok: false, reasons: expect.arrayContaining([{ code: "media.videoRequired", channelId: ytFr.id }, { code: "media.videoRequired", channelId: ytNl.id }]) as unknown });
  });

  it("takes the title from the first line, at most 100 characters, without angle brackets", () => {
    expect(videoTitle("Court\nsuite")).toBe("Court");
    const long = videoTitle(`${"Déclaration fiscale ".repeat(8)}fin`);
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long.endsWith("…")).toBe(true);
    expect(videoTitle("<b>Titre</b>")).toBe("‹b›Titre‹/b›");
  });
});

describe("X videos", () => {
  it("X receives each language's video in chunks, waits for its processing, and posts it once; a failed post reuses the upload", async () => {
    const grainy = await ingestMedia(ctx, editor, { body: Readable.from([makeVideo({ seconds: 1.5, grainy: true })]), declaredName: "capsule-grain.mp4" });
    if (!grainy.ok) throw new Error(grainy.key);
    // Over 4 MiB: more than one chunk.
    expect(grainy.media.bytes).toBeGreaterThan(4 * 1024 * 1024);
    const xFr = await makeApiChannel(ctx, "x", "fr", `${fake.url}/x`, { accessToken: "x-token" });
    const xNl = await makeApiChannel(ctx, "x", "nl", `${fake.url}/x`, { accessToken: "x-token" });
    day++;
    const created = await saveItem(ctx, editor, null, { localDate: `2030-08-${String(day).padStart(2, "0")}`, localTime: "11:00", sourceLanguage: "fr", frText: "Notre capsule en vidéo.", nlText: "", channelIds: [xFr.id, xNl.id] });
    if (!created.ok) throw new Error("item");
    await setVisuals(ctx, editor, created.id, "fr", { version: created.version, visuals: [{ hash: grainy.media.hash, alt: "Capsule vidéo", containsText: true }] });
    await submitForReview(ctx, editor, created.id, await versionOf(created.id));
    await saveTranslation(ctx, translator, created.id, "nl", { version: await versionOf(created.id), text: "Onze capsule op video.", submit: "0" });
    await setVisuals(ctx, translator, created.id, "nl", { version: await versionOf(created.id), visuals: [{ hash: videos.nl, alt: "Videocapsule", containsText: true }] });
    await saveTranslation(ctx, translator, created.id, "nl", { version: await versionOf(created.id), text: "Onze capsule op video.", submit: "1" });
    expect(await approveItems(ctx, approver, [{ id: created.id, version: await versionOf(created.id) }])).toEqual({ ok: true, approved: 1, scheduled: 1 });
    fake.fail("x", { status: 503, body: { title: "Service Unavailable", status: 503 } });
    await makeDueNow(t.db, [created.id]);
    await publishUntilSettled(ctx, [created.id], 5_000);
    await retryNow(created.id);
    await publishUntilSettled(ctx, [created.id]);
    expect((await publications(created.id)).map((r) => r.state)).toEqual(["published", "published"]);
    const posts = fake.posts.filter((p) => p.network === "x");
    expect(posts.map((p) => p.media?.map((m) => [m.type, m.bytes])).sort()).toEqual(
      [[["video/mp4", grainy.media.bytes]], [["video/mp4", (await t.db.selectFrom("media_files").select("bytes").where("hash", "=", videos.nl).executeTakeFirstOrThrow()).bytes]]].map((x) => x.map(([a, b]) => [a, Number(b)])).sort(),
    );
    // Each video uploaded once (initialize → append × n → finalize → STATUS), the failed post's retry reusing it.
    expect(fake.mediaUploads.filter((u) => u.network === "x")).toHaveLength(2);
    const appends = fake.calls.filter((c) => c.network === "x" && c.path.endsWith("/append"));
    expect(appends.length).toBeGreaterThanOrEqual(3);
    expect(fake.duplicates()).toEqual([]);
  }, 60_000);
});

describe("Facebook and LinkedIn videos", () => {
  /** A French and a Dutch video post on a Facebook page and a LinkedIn page per language, approved and due. */
  async function videoPost(frHash: string, nlHash: string, channels: Channel[]) {
    day++;
    const created = await saveItem(ctx, editor, null, { localDate: `2030-08-${String(day).padStart(2, "0")}`, localTime: "11:00", sourceLanguage: "fr", frText: `Capsule ${day}\nLe calendrier de la déclaration.`, nlText: "", channelIds: channels.map((c) => c.id) });
    if (!created.ok) throw new Error("item");
    await setVisuals(ctx, editor, created.id, "fr", { version: created.version, visuals: [{ hash: frHash, alt: "Capsule vidéo", containsText: true }] });
    await submitForReview(ctx, editor, created.id, await versionOf(created.id));
    await saveTranslation(ctx, translator, created.id, "nl", { version: await versionOf(created.id), text: `Capsule ${day}\nDe kalender van de aangifte.`, submit: "0" });
    await setVisuals(ctx, translator, created.id, "nl", { version: await versionOf(created.id), visuals: [{ hash: nlHash, alt: "Videocapsule", containsText: true }] });
    await saveTranslation(ctx, translator, created.id, "nl", { version: await versionOf(created.id), text: `Capsule ${day}\nDe kalender van de aangifte.`, submit: "1" });
    return created.id;
  }

  it("each page receives its language's video once: Facebook through a resumable upload resumed after a cut, LinkedIn in 4 MiB parts after processing", async () => {
    const grainy = await ingestMedia(ctx, editor, { body: Readable.from([makeVideo({ seconds: 3.2, grainy: true })]), declaredName: "capsule-grain.mp4" });
    if (!grainy.ok) throw new Error(grainy.key);
    expect(grainy.media.bytes).toBeGreaterThan(4 * 1024 * 1024);
    const fb = { accessToken: "fb-token", pageId: "123", appId: "cadence-app" };
    const li = { author: "urn:li:organization:42", accessToken: "li-token", version: "202601" };
    const channels = [
      await makeApiChannel(ctx, "facebook", "fr", `${fake.url}/facebook`, fb),
      await makeApiChannel(ctx, "facebook", "nl", `${fake.url}/facebook`, fb),
      await makeApiChannel(ctx, "linkedin", "fr", `${fake.url}/linkedin`, li),
      await makeApiChannel(ctx, "linkedin", "nl", `${fake.url}/linkedin`, li),
    ];
    const id = await videoPost(grainy.media.hash, videos.nl, channels);
    expect(await approveItems(ctx, approver, [{ id, version: await versionOf(id) }])).toEqual({ ok: true, approved: 1, scheduled: 1 });
    fake.cutNextUpload();
    await makeDueNow(t.db, [id]);
    await publishUntilSettled(ctx, [id], 5_000);
    await retryNow(id);
    await publishUntilSettled(ctx, [id]);
    expect((await publications(id)).map((r) => r.state)).toEqual(["published", "published", "published", "published"]);
    const nlBytes = Number((await t.db.selectFrom("media_files").select("bytes").where("hash", "=", videos.nl).executeTakeFirstOrThrow()).bytes);
    for (const network of ["facebook", "linkedin"] as const) {
      const posts = fake.posts.filter((p) => p.network === network);
      expect(posts.map((p) => p.media?.map((m) => [m.type, m.bytes])).sort()).toEqual([[["video/mp4", grainy.media.bytes]], [["video/mp4", nlBytes]]].sort());
      // Titled from the first line.
      expect(posts.every((p) => p.media![0]!.description.startsWith("Capsule "))).toBe(true);
    }
    // One upload session per Facebook publication: the cut one was resumed, not started again
    // (the local Graph API refuses bytes that do not continue at the session's offset).
    expect(fake.calls.filter((c) => c.network === "facebook" && c.path.endsWith("/uploads"))).toHaveLength(2);
    expect(fake.calls.filter((c) => c.network === "facebook" && c.path.includes("/upload:") && c.method === "GET")).toHaveLength(1);
    // The grainy video in 4 MiB LinkedIn parts, the small one in one.
    expect(fake.calls.filter((c) => c.network === "linkedin" && c.path.includes("/video-upload/"))).toHaveLength(Math.ceil(grainy.media.bytes / (4 * 1024 * 1024)) + 1);
    expect(fake.duplicates()).toEqual([]);
  }, 60_000);

  it("an answer lost after Facebook made the video: the retry finds it on the page, one video", async () => {
    const fb = { accessToken: "fb-token", pageId: "123", appId: "cadence-app" };
    const channels = [await makeApiChannel(ctx, "facebook", "fr", `${fake.url}/facebook`, fb), await makeApiChannel(ctx, "facebook", "nl", `${fake.url}/facebook`, fb)];
    const id = await videoPost(videos.fr, videos.nl, channels);
    expect(await approveItems(ctx, approver, [{ id, version: await versionOf(id) }])).toEqual({ ok: true, approved: 1, scheduled: 1 });
    fake.fail("facebook", { status: 500, acceptThen: true, body: { error: { message: "An unknown error has occurred.", type: "OAuthException", code: 1 } } });
    await makeDueNow(t.db, [id]);
    await publishUntilSettled(ctx, [id], 2_000);
    await retryNow(id);
    await publishUntilSettled(ctx, [id]);
    const rows = await publications(id);
    expect(rows.map((r) => r.state)).toEqual(["published", "published"]);
    const posts = fake.posts.filter((p) => p.network === "facebook");
    expect(posts).toHaveLength(2);
    expect(rows.map((r) => r.remote_id).sort()).toEqual(posts.map((p) => p.id).sort());
    expect(fake.calls.filter((c) => c.network === "facebook" && c.path.endsWith("/videos") && c.method === "POST")).toHaveLength(2);
  });

  it("a MOV is refused before approval for both, and a page without its Meta app ID fails with a clear reason", async () => {
    const mov = await ingestMedia(ctx, editor, { body: Readable.from([makeVideo({ seconds: 4, format: "mov" })]), declaredName: "capsule.mov" });
    if (!mov.ok) throw new Error(mov.key);
    const li = await makeApiChannel(ctx, "linkedin", "fr", `${fake.url}/linkedin`, { author: "urn:li:organization:42", accessToken: "li-token" });
    const fbFr = await makeApiChannel(ctx, "facebook", "fr", `${fake.url}/facebook`, { accessToken: "fb-token", pageId: "123" });
    const fbNl = await makeApiChannel(ctx, "facebook", "nl", `${fake.url}/facebook`, { accessToken: "fb-token", pageId: "123" });
    const refused = await videoPost(mov.media.hash, videos.nl, [li, fbFr, fbNl]);
    const check = await checkPublishable(t.db, refused);
    if (check.ok) throw new Error("a MOV cannot go to Facebook or LinkedIn");
    expect(check.reasons.filter((r) => r.code.startsWith("media."))).toHaveLength(2);
    expect(check.reasons).toEqual(
      expect.arrayContaining([
        { code: "media.videoFormat", channelId: li.id, format: "MOV", formats: "MP4" },
        { code: "media.videoFormat", channelId: fbFr.id, format: "MOV", formats: "MP4" },
      ]),
    );
    const id = await videoPost(videos.fr, videos.nl, [fbFr, fbNl]);
    expect(await approveItems(ctx, approver, [{ id, version: await versionOf(id) }])).toEqual({ ok: true, approved: 1, scheduled: 1 });
    await makeDueNow(t.db, [id]);
    await publishUntilSettled(ctx, [id]);
    const rows = await t.db.selectFrom("publications").select(["state", "last_error_code", "last_error"]).where("content_item_id", "=", id).execute();
    expect(rows).toEqual([expect.objectContaining({ state: "failed", last_error_code: "config" }), expect.objectContaining({ state: "failed", last_error_code: "config" })]);
    expect(rows[0]!.last_error).toMatch(/Meta app ID/);
    expect(fake.posts.filter((p) => p.network === "facebook")).toEqual([]);
  });
});
