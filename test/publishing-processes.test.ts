import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../app/services/context.server";
import { ingestMedia } from "../app/services/media.server";
import { recoverStuckPublications, runPublisher } from "../app/services/publishing.server";
import type { Channel, User } from "../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makeUser } from "./factories";
import { makeApiChannel, makeDueNow, makeScheduledItems, publicationStates } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";

/**
 * The real scheduler, as `npm run start:jobs` runs it, in separate processes against one database:
 * killed with SIGKILL at random moments and restarted, and several at once. The fake networks count
 * every post: none may arrive twice, and none may be lost.
 */

let t: TestDatabase;
let ctx: AppContext;
let fake: FakeNetworks;
let editor: User;
let approver: User;
let outbox: Channel;
let mastodon: Channel;
let dataDir: string;
let photoHash: string;
const visual = (alt: string) => [{ hash: photoHash, kind: "image" as const, alt, sameInBothLanguages: true, containsText: false }];
const ROOT = path.resolve(import.meta.dirname, "..");
const children = new Set<ChildProcess>();

beforeAll(async () => {
  t = await createTestDatabase();
  // The scheduler processes read the media library from the same data folder.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-processes-"));
  const base = testContext(t.db);
  ctx = { ...base, config: { ...base.config, dataDir, media: { ...base.config.media, directory: path.join(dataDir, "media") } } };
  fake = await startFakeNetworks({ latencyMs: 15, mastodonSyncImages: true });
  editor = await makeUser(t.db, ["editor"]);
  approver = await makeUser(t.db, ["approver"]);
  outbox = await makeApiChannel(ctx, "outbox", "fr", null, {});
  const photo = await ingestMedia(ctx, editor, { body: Readable.from([await sharp({ create: { width: 800, height: 450, channels: 3, background: "#225588" } }).png().toBuffer()]), declaredName: "affiche.png" });
  if (!photo.ok) throw new Error(photo.key);
  photoHash = photo.media.hash;
  mastodon = await makeApiChannel(ctx, "mastodon", "nl", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await fake?.close();
  await t?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function startScheduler(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "app/cli/start.ts"), "--only=jobs"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      CADENCE_DATA_DIR: dataDir,
      CADENCE_DEMO: "false",
      // The publish job alone (with its recovery and staging): the others only cost start-up CPU here.
      CADENCE_JOBS: "publish",
      NODE_ENV: "test",
      LOG_LEVEL: "error",
      SESSION_SECRET: "test-session-secret-that-is-long-enough-0123456789",
      CREDENTIALS_KEY: Buffer.alloc(32, 7).toString("base64"),
    },
  });
  children.add(child);
  child.once("exit", (code, signal) => {
    children.delete(child);
    // Only the test stops a scheduler: any other exit is a failure to report.
    if (!stopped.has(child)) unexpected.push(`scheduler exited by itself: code ${code}, signal ${signal}`);
  });
  return child;
}

/**
 * The kill moments are drawn from a seeded generator (mulberry32): a failure prints its seed, and
 * CRASH_SEED=<seed> npm test replays the same moments.
 */
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const random = seeded(SEED);

const stopped = new WeakSet<ChildProcess>();
const unexpected: string[] = [];

async function kill(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  stopped.add(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

/**
 * Waits until nothing is left to send: every publication settled, or only claims interrupted by a
 * kill remain "sending" (a restart's recovery settles those after its lease) and nothing moves.
 */
async function waitSettled(itemIds: string[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = "";
  let stableSince = Date.now();
  while (Date.now() < until) {
    const states = await publicationStates(t.db, itemIds);
    if (states.every((s) => !["scheduled", "sending"].includes(s.state))) return;
    const snapshot = states.map((s) => s.state).sort().join();
    if (snapshot !== last) {
      last = snapshot;
      stableSince = Date.now();
    } else if (!states.some((s) => s.state === "scheduled") && Date.now() - stableSince > 2_000) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function publishedCount(itemIds: string[]): Promise<number> {
  return (await publicationStates(t.db, itemIds)).filter((s) => s.state === "published").length;
}

/** After the processes are gone: what a restarted scheduler's recovery and publisher do. */
async function finishInProcess(itemIds: string[]): Promise<void> {
  await recoverStuckPublications(ctx, { leaseMs: 0 });
  const controller = new AbortController();
  const run = runPublisher(ctx, { signal: controller.signal, maxSleepMs: 50, retryBaseMs: 100 });
  await waitSettled(itemIds, 20_000);
  controller.abort();
  await run;
}

async function expectEachOnce(itemIds: string[]) {
  expect(unexpected).toEqual([]);
  const states = await publicationStates(t.db, itemIds);
  const stuck = states.filter((s) => ["scheduled", "sending"].includes(s.state));
  expect(stuck).toEqual([]);
  expect(states.every((s) => ["published", "failed", "unconfirmed"].includes(s.state))).toBe(true);
  expect(fake.duplicates()).toEqual([]);
  const outboxIds = states.filter((s) => s.channel_id === outbox.id).map((s) => s.id);
  const messages = await t.db.selectFrom("outbox_messages").select("publication_id").where("publication_id", "in", outboxIds).execute();
  expect(messages.length).toBe(new Set(messages.map((m) => m.publication_id)).size);
  return states;
}

describe("scheduler processes", () => {
  it(`a burst of 500 publications, half of them with an image, survives kill -9 at random moments — between an upload and its post too (seed ${SEED}): nothing lost, stuck or sent twice, each image with its post`, async () => {
    // Interleaved: every other item has an image, so the kills land between uploads and posts as often as between posts.
    const plain = await makeScheduledItems(t.db, editor, approver, [outbox, mastodon], { count: 125, localDate: "2030-04-01" });
    const pictured = await makeScheduledItems(t.db, editor, approver, [outbox, mastodon], { count: 125, localDate: "2030-04-01", visuals: { fr: visual("L'affiche de la campagne"), nl: visual("De affiche van de campagne") } });
    const ids = plain.flatMap((id, i) => [id, pictured[i]!]);
    const uploadsBefore = fake.mediaUploads.length;
    // Due over twelve seconds from now, so that the kills land while publications are going out.
    for (let group = 0; group < 25; group++) await makeDueNow(t.db, ids.slice(group * 10, group * 10 + 10), 2_500 + group * 400);
    let child = startScheduler();
    for (let i = 0; i < 3; i++) {
      // Each scheduler is killed once it has sent something, at a random moment after that: a
      // start-up slower than the burst (a busy machine) must not leave the kills landing on idle
      // processes (a CI run on a loaded machine took over 15 s to start one).
      const before = await publishedCount(ids);
      const until = Date.now() + 45_000;
      while ((await publishedCount(ids)) < before + 10 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, random() * 400));
      await kill(child);
      child = startScheduler();
    }
    await waitSettled(ids, 45_000);
    await kill(child, "SIGTERM");
    // The processes did the work; what a restart's recovery still finds is only what the last kill interrupted.
    const leftBehind = (await publicationStates(t.db, ids)).filter((s) => s.state === "sending" || s.state === "scheduled");
    // Nothing due was left waiting: only claims the killed processes held (at most 64 each).
    expect(leftBehind.filter((s) => s.state === "scheduled")).toEqual([]);
    expect(leftBehind.length).toBeLessThanOrEqual(3 * 64);
    // The kills did interrupt work: some publications were sent by a process that was later killed.
    expect(new Set((await t.db.selectFrom("publications").select("claimed_by").where("content_item_id", "in", ids).execute()).map((r) => r.claimed_by)).size).toBeGreaterThan(1);
    await finishInProcess(ids);
    const states = await expectEachOnce(ids);
    expect(states).toHaveLength(500);
    // Outbox and Mastodon can both tell whether an interrupted call went out: everything was published.
    expect(states.filter((s) => s.state === "published")).toHaveLength(500);
    expect(fake.posts.filter((p) => p.network === "mastodon" && p.text.startsWith("Testbericht"))).toHaveLength(250);
    // Each post of an item with an image carried it, with its alt text; the others none.
    const withImage = fake.posts.filter((p) => p.network === "mastodon" && p.media?.length === 1 && p.media[0]!.description === "De affiche van de campagne");
    expect(withImage).toHaveLength(125);
    // An upload a kill cut off before it was remembered is done again (an unattached file the
    // instance deletes): at most one more per publication a killed process held.
    expect(fake.mediaUploads.length - uploadsBefore).toBeGreaterThanOrEqual(125);
    expect(fake.mediaUploads.length - uploadsBefore).toBeLessThanOrEqual(125 + 3 * 64);
    const outboxIds = states.filter((s) => s.channel_id === outbox.id).map((s) => s.id);
    const outboxVisuals = await t.db.selectFrom("outbox_messages").select("payload").where("publication_id", "in", outboxIds).execute();
    expect(outboxVisuals.filter((m) => JSON.stringify((m.payload as { visuals?: unknown }).visuals ?? []) !== "[]").map((m) => (m.payload as { visuals: unknown }).visuals)).toEqual(
      Array.from({ length: 125 }, () => [{ hash: photoHash, kind: "image", alt: "L'affiche de la campagne" }]),
    );
  }, 240_000);

  it.each([2, 4])("%i scheduler processes on the same burst, half of it with an image: each publication goes out once, each image uploaded once", async (processes) => {
    const localDate = processes === 2 ? "2030-04-02" : "2030-04-03";
    const ids = [
      ...(await makeScheduledItems(t.db, editor, approver, [outbox, mastodon], { count: 75, localDate })),
      ...(await makeScheduledItems(t.db, editor, approver, [outbox, mastodon], { count: 75, localDate, visuals: { fr: visual("L'affiche"), nl: visual(`De affiche (${processes})`) } })),
    ];
    const uploadsBefore = fake.mediaUploads.length;
    const postsBefore = fake.posts.length;
    await makeDueNow(t.db, ids, 6_000);
    const running = Array.from({ length: processes }, () => startScheduler());
    await waitSettled(ids, 60_000);
    await Promise.all(running.map((c) => kill(c, "SIGTERM")));
    const states = await expectEachOnce(ids);
    expect(states.filter((s) => s.state === "published")).toHaveLength(300);
    expect(fake.posts.length - postsBefore).toBe(150);
    expect(states.every((s) => s.attempts === 1)).toBe(true);
    expect(fake.posts.filter((p) => p.media?.[0]?.description === `De affiche (${processes})`)).toHaveLength(75);
    expect(fake.mediaUploads.length - uploadsBefore).toBe(75);
  }, 120_000);
});
