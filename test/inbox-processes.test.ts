import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../app/services/api.server";
import type { AppContext } from "../app/services/context.server";
import { collectInbox, recoverInboxReplies } from "../app/services/inbox.server";
import { adapterDeps } from "../app/services/publishing.server";
import type { Channel, User } from "../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makeUser } from "./factories";
import { makeApiChannel } from "./publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "./setup/database";

/**
 * The inbox's real processes killed with SIGKILL: the `collect-inbox` job mid-round (its messages
 * and its position are saved together, so the next round neither skips nor repeats), and the web
 * process in the middle of an answer's network call (the answer went out; the recovery finds it
 * under its idempotency key instead of sending it twice).
 */
let t: TestDatabase;
let ctx: AppContext;
let fake: FakeNetworks;
let responder: User;
let channels: Channel[];
const ROOT = path.resolve(import.meta.dirname, "..");
const children = new Set<ChildProcess>();

const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}
const random = seeded(SEED);

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  // Each page takes a while: a kill lands in the middle of a round.
  fake = await startFakeNetworks({ latencyMs: 40 });
  responder = await makeUser(t.db, ["responder"]);
  channels = [
    await makeApiChannel(ctx, "mastodon", "fr", `${fake.url}/mastodon`, { accessToken: "mastodon-token" }),
    await makeApiChannel(ctx, "bluesky", "bilingual", `${fake.url}/bluesky`, { identifier: "cadence.test", appPassword: "app-password" }),
  ];
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await fake?.close();
  await t?.drop();
});

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  DATABASE_URL: t.url,
  CADENCE_DEMO: "false",
  NODE_ENV: "test" as const,
  LOG_LEVEL: "error",
  SESSION_SECRET: "test-session-secret-that-is-long-enough-0123456789",
  CREDENTIALS_KEY: Buffer.alloc(32, 7).toString("base64"),
  ...extra,
});

function run(args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: env(extraEnv) });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

async function killNow(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

const storedIds = async () => (await t.db.selectFrom("inbox_messages").select("remote_id").execute()).map((r) => r.remote_id);

describe("the collector killed mid-round", () => {
  it(`loses nothing and stores nothing twice (seed ${SEED})`, async () => {
    const written: string[] = [];
    const write = (n: number, round: number) => {
      for (let i = 0; i < n; i++) {
        written.push(fake.mention("mastodon", { author: `m${round}-${i}@fake.social`, text: `Bonjour, question ${round}-${i} sur ma déclaration.` }));
        written.push(fake.mention("bluesky", { author: `b${round}-${i}.bsky.social`, text: `Goedendag, vraag ${round}-${i} over mijn aangifte.` }));
      }
    };
    // A first round sets the positions (a first round reads one page only).
    write(1, 0);
    await collectInbox(ctx, { deps: adapterDeps(ctx, fetch) });
    let killedMidRound = 0;
    for (let round = 1; round <= 5; round++) {
      write(60, round);
      const job = run(["jobs/collect-inbox.ts"]);
      const exited = new Promise<number | null>((resolve) => job.once("exit", (code) => resolve(code)));
      // Startup takes about a second; the round's pages (40 ms each) follow.
      await Promise.race([new Promise((r) => setTimeout(r, 900 + random() * 900)), exited]);
      if (job.exitCode === null) killedMidRound++;
      await killNow(job);
    }
    // What a restarted job does: rounds until nothing is new.
    for (let i = 0; i < 5; i++) await collectInbox(ctx, { deps: adapterDeps(ctx, fetch), pageSize: 40 });
    const stored = await storedIds();
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.sort()).toEqual([...written].sort());
    expect(killedMidRound).toBeGreaterThan(0);
    expect(new Set((await t.db.selectFrom("inbox_messages").select("channel_id").execute()).map((r) => r.channel_id))).toEqual(new Set(channels.map((c) => c.id)));
  }, 90_000);
});

describe("the web process killed during an answer's network call", () => {
  it("the answer is recovered under its idempotency key: sent once, never twice, never lost", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const token = await createApiToken(ctx, responder, { name: "bot", scope: "write" });
    if (!token.ok) throw new Error("token");
    const id = fake.mention("mastodon", { author: "kill@fake.social", text: "Bonjour, mon remboursement n'est toujours pas arrivé." });
    await collectInbox(ctx, { deps: adapterDeps(ctx, fetch) });
    const conversation = await t.db.selectFrom("inbox_messages").select("conversation_id").where("remote_id", "=", id).executeTakeFirstOrThrow();
    const web = run(["app/cli/start.ts", "--only=web"], { PORT: String(port), HOST: "127.0.0.1" });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Mastodon takes the answer, then the answer to Cadence never comes: the process dies waiting.
    fake.fail("mastodon", { status: 200, acceptThen: true, delayMs: 15_000 });
    const sending = fetch(`${base}/api/v1/conversations/${conversation.conversation_id}/replies`, {
      method: "POST",
      headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "Bonjour, il est en cours de paiement : comptez encore deux semaines." }),
    }).catch(() => null);
    for (let i = 0; i < 100 && !fake.posts.some((p) => p.inReplyTo === id); i++) await new Promise((r) => setTimeout(r, 50));
    expect(fake.posts.filter((p) => p.inReplyTo === id)).toHaveLength(1);
    await killNow(web);
    await sending;
    const stuck = await t.db.selectFrom("inbox_replies").select(["state"]).where("conversation_id", "=", conversation.conversation_id).executeTakeFirstOrThrow();
    expect(stuck.state).toBe("sending");
    // The recovery (the collect-inbox job, once the claim's lease is over) asks again under the same key.
    await recoverInboxReplies(ctx, { deps: adapterDeps(ctx, fetch), leaseMs: 0 });
    const reply = await t.db.selectFrom("inbox_replies").select(["state", "remote_id"]).where("conversation_id", "=", conversation.conversation_id).executeTakeFirstOrThrow();
    expect(reply.state).toBe("sent");
    expect(fake.posts.filter((p) => p.inReplyTo === id)).toHaveLength(1);
    expect(fake.duplicates()).toEqual([]);
  }, 60_000);
});
