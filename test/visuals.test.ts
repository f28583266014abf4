import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brusselsMonthOf } from "../app/domain/time/brussels";
import { archiveCsv, monthArchive } from "../app/services/archive.server";
import { saveItem } from "../app/services/content-items.server";
import { parseCsv } from "../app/domain/csv";
import { importPlan, planCsv, planRows } from "../app/services/spreadsheet.server";
import type { AppContext } from "../app/services/context.server";
import { ingestMedia, openMedia, purgeUnusedMedia } from "../app/services/media.server";
import { approveItems, checkPublishable, saveTranslation, submitForReview } from "../app/services/review.server";
import { reviewState, translationView } from "../app/services/review-queues.server";
import { setVisuals } from "../app/services/visuals.server";
import { stageUpcomingMedia } from "../app/services/media-staging.server";
import { holdPublishing, liveHolds } from "../app/services/publishing-admin.server";
import { altDigest } from "../app/channels/media-upload.server";
import { rememberStagedMedia } from "../db/repositories/media";
import { sql } from "kysely";
import { testChannelConnection } from "../app/services/channels.server";
import { listCalendarEvents } from "../db/repositories/calendar";
import type { Channel, User } from "../db/schema";
import { makeUser } from "./factories";
import { startFakeNetworks } from "../fakes/networks";
import { makeApiChannel, makeDueNow, publishUntilSettled } from "./publishing-factories";
import { createTestDatabase, processEnv, testContext, type TestDatabase } from "./setup/database";

/**
 * Visuals per language, like the text: an infographic with French words needs its Dutch twin,
 * every visual its alt text in its language before approval, a shared photo is in both versions;
 * changing the source's visual makes the translation stale; changing an approved version's visuals
 * withdraws its approval; the audit trail keeps each change.
 */
let t: TestDatabase;
let ctx: AppContext;
let editor: User;
let translator: User;
let approver: User;
let fr: Channel;
let nl: Channel;
let dataDir: string;
const hashes: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-visuals-"));
  const base = testContext(t.db);
  ctx = { ...base, config: { ...base.config, dataDir, media: { ...base.config.media, directory: path.join(dataDir, "media") } } };
  editor = await makeUser(t.db, ["editor"]);
  translator = await makeUser(t.db, ["translator"]);
  approver = await makeUser(t.db, ["approver"]);
  fr = await makeApiChannel(ctx, "outbox", "fr", null, {});
  nl = await makeApiChannel(ctx, "outbox", "nl", null, {});
  for (const [name, colour] of [["fr-infographic", "#003399"], ["nl-infographic", "#993300"], ["office-photo", "#336633"], ["other", "#999999"]] as const) {
    const bytes = await sharp({ create: { width: 1200, height: 675, channels: 3, background: colour } }).png().toBuffer();
    const r = await ingestMedia(ctx, editor, { body: Readable.from([bytes]), declaredName: `${name}.png` });
    if (!r.ok) throw new Error(r.key);
    hashes[name] = r.media.hash;
  }
});
afterAll(async () => {
  await t?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** An item on these channels with the same photo (no words) in both versions, each with its alt text, translated and sent for approval: the approval's answer with it. */
async function approvedWithPhoto(localDate: string, [frText, nlText]: [string, string], channelIds: string[], hash: string, [frAlt, nlAlt]: [string, string]) {
  const created = await saveItem(ctx, editor, null, { localDate, localTime: "10:00", sourceLanguage: "fr", frText, nlText: "", channelIds });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  await setVisuals(ctx, editor, created.id, "fr", { version: created.version, visuals: [{ hash, alt: frAlt, sameInBothLanguages: true }] });
  await submitForReview(ctx, editor, created.id, await versionOf(created.id));
  await saveTranslation(ctx, translator, created.id, "nl", { version: await versionOf(created.id), text: nlText, submit: "0" });
  await setVisuals(ctx, translator, created.id, "nl", { version: await versionOf(created.id), visuals: [{ hash, alt: nlAlt, sameInBothLanguages: true }] });
  await saveTranslation(ctx, translator, created.id, "nl", { version: await versionOf(created.id), text: nlText, submit: "1" });
  return { id: created.id, approved: await approveItems(ctx, approver, [{ id: created.id, version: await versionOf(created.id) }]) };
}

async function translatedItem(localDate: string) {
  const created = await saveItem(ctx, editor, null, { localDate, localTime: "10:00", sourceLanguage: "fr", frText: "Déclarez avant le 15 juillet : voici les étapes.", nlText: "", channelIds: [fr.id, nl.id] });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const submitted = await submitForReview(ctx, editor, created.id, created.version);
  if (!submitted.ok) throw new Error(submitted.key);
  const translated = await saveTranslation(ctx, translator, created.id, "nl", { version: submitted.version, text: "Dien uw aangifte in voor 15 juli: dit zijn de stappen.", submit: "1" });
  if (!translated.ok) throw new Error(translated.key);
  return { id: created.id, version: translated.version };
}
const versionOf = async (id: string) => (await t.db.selectFrom("content_items").select("version").where("id", "=", id).executeTakeFirstOrThrow()).version;
const variantStatus = async (id: string, language: "fr" | "nl") => (await t.db.selectFrom("variants").select("status").where("content_item_id", "=", id).where("language", "=", language).executeTakeFirstOrThrow()).status;

describe("visuals per language", () => {
  it("an infographic with French words waits for its Dutch twin and both alt texts; then the pair is approved and each channel gets its own", async () => {
    const item = await translatedItem("2030-07-01");
    const frInfo = { hash: hashes["fr-infographic"], alt: "Infographie : les quatre étapes de la déclaration", containsText: true };
    expect(await setVisuals(ctx, editor, item.id, "fr", { version: item.version, visuals: [frInfo] })).toMatchObject({ ok: true });
    // A translator may not change the source's visuals.
    expect(await setVisuals(ctx, translator, item.id, "fr", { version: await versionOf(item.id), visuals: [] })).toEqual({ ok: false, key: "error.forbidden.body" });
    // The translator sees the source's visual and that it needs a Dutch version.
    expect((await translationView(ctx, item.id, "nl"))?.source.visuals).toEqual([expect.objectContaining({ hash: hashes["fr-infographic"], containsText: true, thumbUrl: `/media/${hashes["fr-infographic"]}?size=thumb` })]);
    // The French visual is new: the Dutch translation was made without it and is out of date.
    expect((await reviewState(ctx, translator, item.id))?.languages.find((l) => l.language === "nl")?.state).toBe("stale");
    // Changing the French version's visuals sent it back to draft: the editor submits it again.
    expect(await submitForReview(ctx, editor, item.id, await versionOf(item.id))).toMatchObject({ ok: true });
    const retranslated = await saveTranslation(ctx, translator, item.id, "nl", { version: await versionOf(item.id), text: "Dien uw aangifte in voor 15 juli: dit zijn de stappen.", submit: "1" });
    expect(retranslated).toMatchObject({ ok: true });
    let approved = await approveItems(ctx, approver, [{ id: item.id, version: await versionOf(item.id) }]);
    expect(approved).toMatchObject({ ok: false, problems: [{ id: item.id, key: "review.visualsIncomplete" }] });
    expect(await checkPublishable(t.db, item.id)).toMatchObject({ ok: false, reasons: expect.arrayContaining([{ code: "visual.twinMissing", language: "nl", position: 0 }]) as unknown });

    // The translator adds the Dutch twin, first without its alt text.
    expect(await setVisuals(ctx, translator, item.id, "nl", { version: await versionOf(item.id), visuals: [{ hash: hashes["nl-infographic"], alt: "", containsText: true }] })).toMatchObject({ ok: true });
    approved = await approveItems(ctx, approver, [{ id: item.id, version: await versionOf(item.id) }]);
    expect(approved).toMatchObject({ ok: false });
    expect(await setVisuals(ctx, translator, item.id, "nl", { version: await versionOf(item.id), visuals: [{ hash: hashes["nl-infographic"], alt: "Infografiek: de vier stappen van de aangifte", containsText: true }] })).toMatchObject({ ok: true });
    await submitForReview(ctx, editor, item.id, await versionOf(item.id));
    await saveTranslation(ctx, translator, item.id, "nl", { version: await versionOf(item.id), text: "Dien uw aangifte in voor 15 juli: dit zijn de stappen.", submit: "1" });
    approved = await approveItems(ctx, approver, [{ id: item.id, version: await versionOf(item.id) }]);
    expect(approved).toEqual({ ok: true, approved: 1, scheduled: 1 });
    const plan = await checkPublishable(t.db, item.id);
    expect(plan.ok && plan.texts.map((x) => [x.channelId, x.visuals.map((v) => [v.hash, v.alt])])).toEqual([
      [fr.id, [[hashes["fr-infographic"], "Infographie : les quatre étapes de la déclaration"]]],
      [nl.id, [[hashes["nl-infographic"], "Infografiek: de vier stappen van de aangifte"]]],
    ]);
    // At the minute, each channel receives its own visual with its alt text, once.
    await makeDueNow(t.db, [item.id]);
    await publishUntilSettled(ctx, [item.id]);
    const sent = await t.db.selectFrom("outbox_messages").select(["channel_id", "payload"]).where("publication_id", "in", t.db.selectFrom("publications").select("id").where("content_item_id", "=", item.id)).execute();
    expect(sent.map((m) => [m.channel_id, (m.payload as { visuals: { hash: string; alt: string }[] }).visuals]).sort()).toEqual(
      [
        [fr.id, [{ hash: hashes["fr-infographic"], kind: "image", alt: "Infographie : les quatre étapes de la déclaration" }]],
        [nl.id, [{ hash: hashes["nl-infographic"], kind: "image", alt: "Infografiek: de vier stappen van de aangifte" }]],
      ].sort(),
    );

    const trail = await t.db.selectFrom("audit_events").select(["action", "after"]).where("subject_id", "=", item.id).where("action", "=", "variant.visuals").orderBy("id").execute();
    expect(trail.map((e) => (e.after as { language: string }).language)).toEqual(["fr", "nl", "nl"]);
  });

  it("the calendar shows the first visual of the source version as the post's thumbnail, kept up to date", async () => {
    const item = await translatedItem("2030-07-10");
    const range = { start: new Date("2030-07-10T00:00:00Z"), end: new Date("2030-07-11T00:00:00Z") };
    const thumbOf = async () => (await listCalendarEvents(t.db, range, { channelIds: [], statuses: [], tagSlugs: [] })).find((e) => e.id === item.id)?.thumb;
    expect(await thumbOf()).toBeNull();
    await setVisuals(ctx, translator, item.id, "nl", { version: item.version, visuals: [{ hash: hashes["nl-infographic"], alt: "Infografiek", containsText: true }] });
    expect(await thumbOf()).toBe(hashes["nl-infographic"]);
    await setVisuals(ctx, editor, item.id, "fr", { version: await versionOf(item.id), visuals: [{ hash: hashes["fr-infographic"], alt: "Infographie", containsText: true }] });
    expect(await thumbOf()).toBe(hashes["fr-infographic"]);
    await setVisuals(ctx, editor, item.id, "fr", { version: await versionOf(item.id), visuals: [] });
    await setVisuals(ctx, translator, item.id, "nl", { version: await versionOf(item.id), visuals: [] });
    expect(await thumbOf()).toBeNull();
  });

  it("changing an approved version's visual withdraws its approval", async () => {
    const item = await translatedItem("2030-07-05");
    await setVisuals(ctx, editor, item.id, "fr", { version: item.version, visuals: [{ hash: hashes["office-photo"], alt: "Le bureau", sameInBothLanguages: true }] });
    await submitForReview(ctx, editor, item.id, await versionOf(item.id));
    await saveTranslation(ctx, translator, item.id, "nl", { version: await versionOf(item.id), text: "Dien uw aangifte in voor 15 juli: dit zijn de stappen.", submit: "1" });
    await setVisuals(ctx, translator, item.id, "nl", { version: await versionOf(item.id), visuals: [{ hash: hashes["office-photo"], alt: "Het kantoor", sameInBothLanguages: true }] });
    await saveTranslation(ctx, translator, item.id, "nl", { version: await versionOf(item.id), text: "Dien uw aangifte in voor 15 juli: dit zijn de stappen.", submit: "1" });
    expect(await approveItems(ctx, approver, [{ id: item.id, version: await versionOf(item.id) }])).toEqual({ ok: true, approved: 1, scheduled: 1 });
    expect(await setVisuals(ctx, editor, item.id, "nl", { version: await versionOf(item.id), visuals: [{ hash: hashes["office-photo"], alt: "Het onthaalkantoor", sameInBothLanguages: true }] })).toMatchObject({ ok: true });
    expect(await variantStatus(item.id, "nl")).toBe("draft");
    expect(await checkPublishable(t.db, item.id)).toMatchObject({ ok: false });
  });

  it("Mastodon receives each visual once with its alt text, waiting for the instance's processing; a retry reuses what was uploaded", async () => {
    const fake = await startFakeNetworks();
    try {
      const mastodon = await makeApiChannel(ctx, "mastodon", "fr", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
      const { id, approved } = await approvedWithPhoto("2030-07-07", ["Le bureau de Namur vous accueille.", "Het kantoor in Namen ontvangt u."], [mastodon.id, nl.id], hashes["office-photo"]!, ["Le bureau d'accueil de Namur", "Het onthaalkantoor in Namen"]);
      expect(approved).toEqual({ ok: true, approved: 1, scheduled: 1 });
      // The instance takes the media, then fails the post once: the retry must not upload again.
      fake.fail("mastodon", { status: 503, body: { error: "Service Unavailable" } });
      await makeDueNow(t.db, [id]);
      // The first attempt fails and waits for its retry (30 s later): the clock is moved instead.
      await publishUntilSettled(ctx, [id], 2_000);
      await t.db.updateTable("publications").set({ next_attempt_at: new Date() }).where("content_item_id", "=", id).where("state", "=", "scheduled").execute();
      await publishUntilSettled(ctx, [id]);
      const posts = fake.posts.filter((p) => p.network === "mastodon" && p.text.startsWith("Le bureau de Namur"));
      expect(posts).toHaveLength(1);
      expect(posts[0]!.media).toEqual([{ bytes: expect.any(Number) as unknown, type: "image/png", description: "Le bureau d'accueil de Namur" }]);
      expect(fake.mediaUploads.filter((u) => u.description === "Le bureau d'accueil de Namur")).toHaveLength(1);
      expect(fake.duplicates()).toEqual([]);
      const attempts = await t.db.selectFrom("publications").select(["attempts", "state", "media_ids"]).where("channel_id", "=", mastodon.id).executeTakeFirstOrThrow();
      expect(attempts).toMatchObject({ attempts: 2, state: "published" });
      expect(Object.keys(attempts.media_ids)).toEqual([hashes["office-photo"]]);
    } finally {
      await fake.close();
    }
  });

  it("Bluesky receives each image as a blob with its alt text; one too large for it is re-encoded under 1 MB (the original is kept)", async () => {
    const fake = await startFakeNetworks();
    try {
      const bluesky = await makeApiChannel(ctx, "bluesky", "fr", `${fake.url}/bluesky`, { identifier: "cadence.test", appPassword: "app-password" });
      const noise = Buffer.from(Array.from({ length: 1400 * 1000 * 3 }, () => Math.floor(Math.random() * 256)));
      const big = await ingestMedia(ctx, editor, { body: Readable.from([await sharp(noise, { raw: { width: 1400, height: 1000, channels: 3 } }).png().toBuffer()]), declaredName: "photo.png" });
      if (!big.ok) throw new Error(big.key);
      expect(big.media.bytes).toBeGreaterThan(1_000_000);
      const { id, approved } = await approvedWithPhoto("2030-07-08", ["Une photo de nos guichets.", "Een foto van onze loketten."], [bluesky.id, nl.id], big.media.hash, ["Les guichets de Namur", "De loketten in Namen"]);
      expect(approved).toEqual({ ok: true, approved: 1, scheduled: 1 });
      await makeDueNow(t.db, [id]);
      await publishUntilSettled(ctx, [id]);
      const posts = fake.posts.filter((p) => p.network === "bluesky");
      expect(posts).toHaveLength(1);
      expect(posts[0]!.media).toEqual([{ bytes: expect.any(Number) as unknown, type: "image/jpeg", description: "Les guichets de Namur" }]);
      expect(posts[0]!.media![0]!.bytes).toBeLessThanOrEqual(1_000_000);
      expect((await openMedia(ctx, big.media.hash, "original"))?.media.bytes).toBe(big.media.bytes);
    } finally {
      await fake.close();
    }
  });

  it("a Mastodon instance's own limits, read when the channel is tested, are the rules its posts must follow", async () => {
    const fake = await startFakeNetworks({ mastodonLimits: { maxAttachments: 2, descriptionLimit: 20 } });
    try {
      const admin = await makeUser(t.db, ["admin"]);
      const mastodon = await makeApiChannel(ctx, "mastodon", "fr", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
      expect(await testChannelConnection(ctx, admin, mastodon.id)).toMatchObject({ ok: true });
      expect((await t.db.selectFrom("channels").select("media_limits").where("id", "=", mastodon.id).executeTakeFirstOrThrow()).media_limits).toMatchObject({ maxAttachments: 2, descriptionLimit: 20 });
      const created = await saveItem(ctx, editor, null, { localDate: "2030-07-11", localTime: "10:00", sourceLanguage: "fr", frText: "Trois images.", nlText: "", channelIds: [mastodon.id, nl.id] });
      if (!created.ok) throw new Error("item");
      const three = [hashes["fr-infographic"], hashes["office-photo"], hashes["nl-infographic"]].map((hash, i) => ({ hash: hash!, alt: i === 0 ? "Une description bien plus longue que vingt caractères" : "Court" }));
      await setVisuals(ctx, editor, created.id, "fr", { version: created.version, visuals: three });
      const check = await checkPublishable(t.db, created.id);
      expect(check).toMatchObject({
        ok: false,
        reasons: expect.arrayContaining([
          { code: "media.tooManyImages", channelId: mastodon.id, count: 3, limit: 2 },
          { code: "media.altTooLong", channelId: mastodon.id, position: 0, length: 53, limit: 20 },
        ]) as unknown,
      });
    } finally {
      await fake.close();
    }
  });

  it("the month's archive keeps each published visual (file, name, alt text per language, the network's id) and archive:export --files writes the files", async () => {
    const fake = await startFakeNetworks();
    try {
      const mastodon = await makeApiChannel(ctx, "mastodon", "fr", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
      const photo = { hash: hashes["office-photo"]! };
      const { id, approved } = await approvedWithPhoto("2030-09-02", ["Rentrée : nos guichets.", "Nieuw schooljaar: onze loketten."], [mastodon.id, nl.id], photo.hash, ["Le guichet de Namur", "Het loket in Namen"]);
      expect(approved).toEqual({ ok: true, approved: 1, scheduled: 1 });
      await makeDueNow(t.db, [id]);
      await publishUntilSettled(ctx, [id]);
      const published = await t.db.selectFrom("publications").select(["published_at", "channel_id"]).where("content_item_id", "=", id).execute();
      const month = brusselsMonthOf(published[0]!.published_at!);
      const archive = (await monthArchive(ctx, month, { id: null, label: "test" }))!;
      const item = archive.items.find((i) => i.id === id)!;
      expect(item.variants.find((v) => v.language === "nl")!.visuals).toEqual([{ file: photo.hash, name: "office-photo.png", kind: "image", alt: "Het loket in Namen", sameInBothLanguages: true, containsText: false }]);
      const onMastodon = item.publications.find((p) => p.channel.id === mastodon.id)!;
      const uploaded = fake.mediaUploads.find((u) => u.network === "mastodon" && u.description === "Le guichet de Namur")!;
      expect(onMastodon.visuals).toEqual([{ file: photo.hash, name: "office-photo.png", kind: "image", fileName: `${photo.hash}.png`, alt: { fr: "Le guichet de Namur" }, mediaId: uploaded.id }]);
      expect(item.publications.find((p) => p.channel.id === nl.id)!.visuals).toEqual([{ file: photo.hash, name: "office-photo.png", kind: "image", fileName: `${photo.hash}.png`, alt: { nl: "Het loket in Namen" }, mediaId: null }]);
      const csv = archiveCsv(archive);
      expect(csv).toContain(`office-photo.png [${photo.hash}] fr: Le guichet de Namur → ${uploaded.id}`);

      const out = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-archive-files-"));
      const cli = spawnSync(process.execPath, ["--import", "tsx", path.resolve("app/cli/archive-export.ts"), month, "--out", path.join(out, "archive.json"), "--files", path.join(out, "media")], {
        env: processEnv(t.url, { CADENCE_DATA_DIR: dataDir }),
        encoding: "utf8",
      });
      expect(cli.status).toBe(0);
      const written = fs.readFileSync(path.join(out, "media", `${photo.hash}.png`));
      expect(createHash("sha256").update(written).digest("hex")).toBe(photo.hash);
      fs.rmSync(out, { recursive: true, force: true });
    } finally {
      await fake.close();
    }
  });

  it("the plan's spreadsheet lists each version's visuals by file name (safe to open); importing it back leaves the visuals as they are", async () => {
    const item = await translatedItem("2030-10-06");
    const formula = await ingestMedia(ctx, editor, { body: Readable.from([await sharp({ create: { width: 64, height: 64, channels: 3, background: "#aa0000" } }).png().toBuffer()]), declaredName: "=2+5+cmd.png" });
    if (!formula.ok) throw new Error(formula.key);
    await setVisuals(ctx, editor, item.id, "fr", { version: item.version, visuals: [{ hash: hashes["fr-infographic"]!, alt: "Infographie", containsText: true }, { hash: formula.media.hash, alt: "Carré" }] });
    await setVisuals(ctx, translator, item.id, "nl", { version: await versionOf(item.id), visuals: [{ hash: hashes["nl-infographic"]!, alt: "Infografiek", containsText: true }] });
    const rows = (await planRows(ctx, "2030-10"))!;
    const row = rows.find((r) => r.id === item.id)!;
    expect(row.fr_media).toBe("fr-infographic.png | =2+5+cmd.png");
    expect(row.nl_media).toBe("nl-infographic.png");
    const csv = planCsv(rows, ",");
    // The cell starts with the first name; a name that starts a formula is inside, after " | "; the
    // same name alone in its cell is escaped.
    expect(planCsv([{ ...row, fr_media: "=2+5+cmd.png" }], ",")).not.toMatch(/(^|,)=2\+5/m);
    const before = await t.db.selectFrom("variants").select(["language", "visuals"]).where("content_item_id", "=", item.id).orderBy("language").execute();
    const grid = parseCsv(csv.replace(/^\uFEFF/, ""));
    const result = await importPlan(ctx, editor, grid, { commit: true });
    expect(result).toMatchObject({ ok: true });
    expect(await t.db.selectFrom("variants").select(["language", "visuals"]).where("content_item_id", "=", item.id).orderBy("language").execute()).toEqual(before);
  });

  it("a channel that cannot send visuals is never given a post that has some", async () => {
    const hook = await makeApiChannel(ctx, "webhook", "fr", "http://127.0.0.1:9/hook", { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
    const created = await saveItem(ctx, editor, null, { localDate: "2030-07-06", localTime: "10:00", sourceLanguage: "fr", frText: "Un texte.", nlText: "", channelIds: [hook.id, nl.id] });
    if (!created.ok) throw new Error("item");
    await setVisuals(ctx, editor, created.id, "fr", { version: created.version, visuals: [{ hash: hashes["office-photo"], alt: "Le bureau", sameInBothLanguages: true }] });
    expect(await checkPublishable(t.db, created.id)).toMatchObject({ ok: false, reasons: expect.arrayContaining([{ code: "channel.noVisuals", channelId: hook.id }]) as unknown });
  });

  it("X, Facebook and LinkedIn each receive the image once with its alt text, re-encoded where it is too heavy for them (the original kept); a failed post reuses the upload", async () => {
    const fake = await startFakeNetworks();
    try {
      const x = await makeApiChannel(ctx, "x", "fr", `${fake.url}/x`, { accessToken: "x-token" });
      const facebook = await makeApiChannel(ctx, "facebook", "fr", `${fake.url}/facebook`, { pageId: "123", accessToken: "fb-token" });
      const linkedin = await makeApiChannel(ctx, "linkedin", "bilingual", `${fake.url}/linkedin`, { author: "urn:li:organization:42", accessToken: "li-token", version: "202601" });
      // A 1,600 × 1,200 photo of noise: about 5.8 MB as PNG, over X's 5 MB and Facebook's 4 MB.
      const noise = Buffer.from(Array.from({ length: 1600 * 1200 * 3 }, () => Math.floor(Math.random() * 256)));
      const heavy = await ingestMedia(ctx, editor, { body: Readable.from([await sharp(noise, { raw: { width: 1600, height: 1200, channels: 3 } }).png().toBuffer()]), declaredName: "guichets.png" });
      if (!heavy.ok) throw new Error(heavy.key);
      expect(heavy.media.bytes).toBeGreaterThan(5 * 1024 * 1024);
      const { id, approved } = await approvedWithPhoto("2030-07-09", ["Nos guichets rouvrent lundi.", "Onze loketten gaan maandag weer open."], [x.id, facebook.id, linkedin.id, nl.id], heavy.media.hash, ["Les guichets de Namur", "De loketten in Namen"]);
      expect(approved).toEqual({ ok: true, approved: 1, scheduled: 1 });
      fake.fail("x", { status: 503, body: { title: "Service Unavailable", status: 503 } });
      await makeDueNow(t.db, [id]);
      await publishUntilSettled(ctx, [id], 2_000);
      await t.db.updateTable("publications").set({ next_attempt_at: new Date() }).where("content_item_id", "=", id).where("state", "=", "scheduled").execute();
      await publishUntilSettled(ctx, [id]);
      const sent = (network: string) => fake.posts.filter((p) => p.network === network && (p.text.includes("guichets") || p.text.includes("loketten")));
      expect(sent("x")).toHaveLength(1);
      expect(sent("x")[0]!.media).toEqual([{ bytes: expect.any(Number) as unknown, type: "image/jpeg", description: "Les guichets de Namur" }]);
      expect(sent("x")[0]!.media![0]!.bytes).toBeLessThanOrEqual(5 * 1024 * 1024);
      expect(fake.mediaUploads.filter((u) => u.network === "x")).toHaveLength(1);
      expect(sent("facebook")[0]!.media).toEqual([{ bytes: expect.any(Number) as unknown, type: "image/jpeg", description: "Les guichets de Namur" }]);
      expect(sent("facebook")[0]!.media![0]!.bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
      // The bilingual LinkedIn page: the shared photo once, both alt texts; a PNG under its limits goes as it is.
      expect(sent("linkedin")[0]!.media).toEqual([{ bytes: heavy.media.bytes, type: "image/png", description: "Les guichets de Namur / De loketten in Namen" }]);
      expect(fake.duplicates()).toEqual([]);
      expect((await openMedia(ctx, heavy.media.hash, "original"))?.media.bytes).toBe(heavy.media.bytes);
    } finally {
      await fake.close();
    }
  });

  it("the stager uploads each visual to X, Mastodon, Bluesky, Facebook and LinkedIn ahead of its minute; at the minute only the post goes out, naming the same media", async () => {
    const fake = await startFakeNetworks();
    try {
      const channels = [
        await makeApiChannel(ctx, "x", "fr", `${fake.url}/x`, { accessToken: "x-token" }),
        await makeApiChannel(ctx, "mastodon", "fr", `${fake.url}/mastodon`, { accessToken: "mastodon-token" }),
        await makeApiChannel(ctx, "bluesky", "fr", `${fake.url}/bluesky`, { identifier: "cadence.test", appPassword: "app-password" }),
        await makeApiChannel(ctx, "facebook", "fr", `${fake.url}/facebook`, { pageId: "123", accessToken: "fb-token" }),
        await makeApiChannel(ctx, "linkedin", "bilingual", `${fake.url}/linkedin`, { author: "urn:li:organization:42", accessToken: "li-token", version: "202601" }),
      ];
      const { id } = await approvedWithPhoto("2030-07-11", ["Le centre de contact ouvre samedi.", "Het contactcenter is zaterdag open."], [...channels.map((c) => c.id), nl.id], hashes["office-photo"]!, ["L'accueil du centre de contact", "Het onthaal van het contactcenter"]);
      const sent = (network: string) => fake.posts.filter((p) => p.network === network && /centre de contact|contactcenter/.test(p.text));
      // Due in five minutes: within the horizon, so the stager takes every publication (the Dutch
      // outbox channel has nothing to upload) and uploads the photo once per network, posting nothing.
      await makeDueNow(t.db, [id], 5 * 60_000);
      const before = fake.mediaUploads.length;
      expect(await stageUpcomingMedia(ctx)).toEqual({ taken: 6, staged: 5, failed: 0 });
      const staged = fake.mediaUploads.slice(before);
      expect(staged.map((u) => u.network).sort()).toEqual(["bluesky", "facebook", "linkedin", "mastodon", "x"]);
      expect(["x", "mastodon", "bluesky", "facebook", "linkedin"].flatMap(sent)).toEqual([]);
      // Looked at a moment ago: the next round leaves it; looked at again later, nothing is uploaded twice.
      expect(await stageUpcomingMedia(ctx)).toMatchObject({ taken: 0 });
      await t.db.updateTable("publications").set({ media_staged_at: new Date(Date.now() - 31 * 60_000) }).where("content_item_id", "=", id).execute();
      expect(await stageUpcomingMedia(ctx)).toEqual({ taken: 6, staged: 5, failed: 0 });
      expect(fake.mediaUploads.length).toBe(before + 5);
      // At the minute: one post per network, with the staged image and its alt text, and no upload.
      await makeDueNow(t.db, [id]);
      await publishUntilSettled(ctx, [id]);
      expect(fake.mediaUploads.length).toBe(before + 5);
      for (const network of ["x", "mastodon", "bluesky", "facebook"]) {
        expect(sent(network)).toHaveLength(1);
        expect(sent(network)[0]!.media).toEqual([{ bytes: expect.any(Number) as unknown, type: "image/png", description: "L'accueil du centre de contact" }]);
      }
      expect(sent("linkedin")[0]!.media).toEqual([{ bytes: expect.any(Number) as unknown, type: "image/png", description: "L'accueil du centre de contact / Het onthaal van het contactcenter" }]);
      const ids = await t.db.selectFrom("publications").select(["channel_id", "media_ids"]).where("content_item_id", "=", id).execute();
      const xIds = ids.find((r) => r.channel_id === channels[0]!.id)!.media_ids;
      expect(Object.values(xIds).map((m) => m.id)).toEqual([staged.find((u) => u.network === "x")!.id]);
      expect(fake.duplicates()).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it("staging leaves held, unapproved and due publications alone, never overwrites a claimed publication's uploads, and an image staged with another alt text is uploaded again at the minute", async () => {
    const fake = await startFakeNetworks();
    try {
      const x = await makeApiChannel(ctx, "x", "fr", `${fake.url}/x`, { accessToken: "x-token" });
      const { id } = await approvedWithPhoto("2030-07-12", ["Les bureaux ferment à midi.", "De kantoren sluiten om twaalf uur."], [x.id, nl.id], hashes["office-photo"]!, ["Le bureau fermé", "Het gesloten kantoor"]);
      const before = fake.mediaUploads.length;
      // Held (a crisis): nothing goes to the network, not even an image.
      await makeDueNow(t.db, [id], 5 * 60_000);
      const hold = await holdPublishing(ctx, approver, { scope: "all", reason: "crise en cours" });
      expect(hold.ok).toBe(true);
      expect(await stageUpcomingMedia(ctx)).toMatchObject({ taken: 0 });
      const held = (await liveHolds(ctx))[0]!;
      await t.db.updateTable("publishing_holds").set({ released_at: new Date() }).where("id", "=", held.id).execute();
      // Beyond the horizon (due tomorrow) or already due: not the stager's.
      await makeDueNow(t.db, [id], 24 * 3600_000);
      expect(await stageUpcomingMedia(ctx)).toMatchObject({ taken: 0 });
      await makeDueNow(t.db, [id], -1_000);
      expect(await stageUpcomingMedia(ctx)).toMatchObject({ taken: 0 });
      expect(fake.mediaUploads.length).toBe(before);
      // A publication a publisher has claimed keeps the publisher's own ids.
      const publication = await t.db.selectFrom("publications").select("id").where("content_item_id", "=", id).where("channel_id", "=", x.id).executeTakeFirstOrThrow();
      await t.db.updateTable("publications").set({ state: "sending" }).where("id", "=", publication.id).execute();
      expect(await rememberStagedMedia(t.db, { publicationId: publication.id, hash: hashes["office-photo"]!, id: "late-stager", at: new Date() })).toBe(false);
      await t.db.updateTable("publications").set({ state: "scheduled" }).where("id", "=", publication.id).execute();
      // Staged with an alt text that has changed since: uploaded again at the minute, with the new one.
      await makeDueNow(t.db, [id], 5 * 60_000);
      expect(await stageUpcomingMedia(ctx)).toMatchObject({ staged: 1, failed: 0 });
      expect(fake.mediaUploads.length).toBe(before + 1);
      await t.db
        .updateTable("publications")
        .set({ media_ids: sql<string>`jsonb_set(media_ids, array[${hashes["office-photo"]!}, 'altDigest'], to_jsonb(${altDigest("Un ancien texte")}::text))` })
        .where("id", "=", publication.id)
        .execute();
      await makeDueNow(t.db, [id]);
      await publishUntilSettled(ctx, [id]);
      expect(fake.mediaUploads.length).toBe(before + 2);
      const post = fake.posts.filter((p) => p.network === "x" && p.text.startsWith("Les bureaux ferment"));
      expect(post).toHaveLength(1);
      expect(post[0]!.media).toEqual([{ bytes: expect.any(Number) as unknown, type: "image/png", description: "Le bureau fermé" }]);
    } finally {
      await fake.close();
    }
  });

  it("a photo without words is shared: it must be in both versions, each with its alt text", async () => {
    const item = await translatedItem("2030-07-02");
    const photo = { hash: hashes["office-photo"], sameInBothLanguages: true };
    await setVisuals(ctx, editor, item.id, "fr", { version: item.version, visuals: [{ ...photo, alt: "Le bureau d'accueil de Namur" }] });
    await saveTranslation(ctx, translator, item.id, "nl", { version: await versionOf(item.id), text: "Dien uw aangifte in voor 15 juli: dit zijn de stappen.", submit: "1" });
    expect(await checkPublishable(t.db, item.id)).toMatchObject({ ok: false, reasons: expect.arrayContaining([{ code: "visual.sharedMissing", language: "nl", position: 0 }]) as unknown });
    await setVisuals(ctx, translator, item.id, "nl", { version: await versionOf(item.id), visuals: [{ ...photo, alt: "Het onthaalkantoor in Namen" }] });
    await submitForReview(ctx, editor, item.id, await versionOf(item.id));
    await saveTranslation(ctx, translator, item.id, "nl", { version: await versionOf(item.id), text: "Dien uw aangifte in voor 15 juli: dit zijn de stappen.", submit: "1" });
    expect(await approveItems(ctx, approver, [{ id: item.id, version: await versionOf(item.id) }])).toEqual({ ok: true, approved: 1, scheduled: 1 });
  });

  it("refuses a file that is not in the library, more than four images, and a stale version", async () => {
    const item = await translatedItem("2030-07-03");
    expect(await setVisuals(ctx, editor, item.id, "fr", { version: item.version, visuals: [{ hash: "a".repeat(64), alt: "x" }] })).toEqual({ ok: false, key: "media.error.notFound" });
    const five = Array.from({ length: 5 }, () => ({ hash: hashes["other"], alt: "x" }));
    expect(await setVisuals(ctx, editor, item.id, "fr", { version: item.version, visuals: five })).toEqual({ ok: false, key: "visuals.error.invalid" });
    expect(await setVisuals(ctx, editor, item.id, "fr", { version: item.version - 1, visuals: [] })).toEqual({ ok: false, key: "item.conflict" });
  });

  it("a file no version uses is deleted 30 days later; a file another item uses never is; attaching it again saves it", async () => {
    const item = await translatedItem("2030-07-04");
    const lonely = await ingestMedia(ctx, editor, { body: Readable.from([await sharp({ create: { width: 300, height: 200, channels: 3, background: "#123456" } }).png().toBuffer()]), declaredName: "lonely.png" });
    if (!lonely.ok) throw new Error("upload");
    // The infographics and the photo are used by the items above; "lonely" and "other" by nobody.
    const kept = async (hash: string) => (await openMedia(ctx, hash, "original")) !== null;
    let clock = new Date("2030-01-01T00:00:00Z");
    const at = (d: Date): AppContext => ({ ...ctx, now: () => d });
    await purgeUnusedMedia(at(clock));
    clock = new Date(clock.getTime() + 29 * 86_400_000);
    await purgeUnusedMedia(at(clock));
    expect(await kept(lonely.media.hash)).toBe(true);
    // Attached on day 29: it is saved.
    await setVisuals(ctx, editor, item.id, "fr", { version: await versionOf(item.id), visuals: [{ hash: lonely.media.hash, alt: "Un carré bleu" }] });
    clock = new Date(clock.getTime() + 2 * 86_400_000);
    await purgeUnusedMedia(at(clock));
    expect(await kept(lonely.media.hash)).toBe(true);
    expect(await kept(hashes["other"]!)).toBe(false);
    // Detached again: 30 days from then, it goes, file and thumbnail; the files in use stay.
    await setVisuals(ctx, editor, item.id, "fr", { version: await versionOf(item.id), visuals: [] });
    await purgeUnusedMedia(at(clock));
    expect(await kept(lonely.media.hash)).toBe(true);
    const purged = await purgeUnusedMedia(at(new Date(clock.getTime() + 31 * 86_400_000)));
    expect(purged.purged).toBeGreaterThanOrEqual(1);
    expect(await openMedia(ctx, lonely.media.hash, "original")).toBeNull();
    expect(fs.readdirSync(path.join(dataDir, "media", "originals", lonely.media.hash.slice(0, 2))).filter((f) => f.startsWith(lonely.media.hash))).toEqual([]);
    expect(await openMedia(ctx, hashes["nl-infographic"]!, "original")).not.toBeNull();
    expect(await openMedia(ctx, hashes["office-photo"]!, "thumb")).not.toBeNull();
  });
});
