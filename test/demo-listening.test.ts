import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signedInClient } from "./setup/web";

/**
 * The demo as a newcomer runs it (`npm start` on an embedded database, no settings): a citizen
 * writes to the demo's Mastodon account on the local network stand-ins, the mention appears in
 * the French queue after the collection job's round, a conversation manager answers it with the
 * suggested reference answer, the answer reaches the stand-in once, and the response-time
 * report counts it.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
let child: ChildProcess | null = null;
let dataDir = "";

afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

describe("the demo listens", () => {
  it("a mention on the demo Mastodon reaches the French queue, is answered with a reference answer once, and is counted in the report", async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-demo-listening-"));
    fs.chmodSync(dataDir, 0o755);
    const networksPort = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, CADENCE_DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", NODE_ENV: "test", LOG_LEVEL: "warn", CADENCE_DEMO_NETWORKS_PORT: String(networksPort) };
    for (const key of ["DATABASE_URL", "SESSION_SECRET", "CREDENTIALS_KEY", "CADENCE_DEMO", "CADENCE_DEMO_NETWORKS"]) delete env[key];
    child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "app/cli/start.ts")], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env });
    let output = "";
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address within 120 s:\n${output}`)), 120_000);
      child!.stdout!.on("data", (c: Buffer) => {
        output += c.toString();
        const found = /Cadence is running at http:\/\/[^:]+:(\d+)/.exec(output);
        if (found && output.includes("Demo networks")) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${found[1]}`);
        }
      });
    });
    // What `npm run demo:mention -- mastodon "…"` does.
    const networks = `http://127.0.0.1:${networksPort}`;
    const text = "Bonjour, je ne me souviens plus comment me connecter à MyMinfin avec itsme. Pouvez-vous m'aider ?";
    const mention = await fetch(`${networks}/_demo/mentions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ network: "mastodon", author: "claire@social.example", text }) });
    expect(mention.status).toBe(201);

    const responder = await signedInClient(url, "responder@demo.cadence.test", "demo-responder-cadence");
    // The collection job's first round comes 10 s after the start, then every minute.
    let queue = "";
    for (let i = 0; i < 90 && !queue.includes("claire@social.example"); i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      queue = (await responder.request("/inbox?queue=fr")).text;
    }
    expect(queue).toContain("claire@social.example");
    const row = /href="\/inbox\/([0-9a-f-]{36})"[^>]*>[^<]*claire@social\.example/.exec(queue) ?? /\/inbox\/([0-9a-f-]{36})[\s\S]{0,600}claire@social\.example/.exec(queue);
    const id = row![1]!;
    const page = (await responder.request(`/inbox/${id}`)).text;
    const use = /href="[^"]*\?answer=([a-z0-9-]+)#reply-text"/.exec(page.replace(/&amp;/g, "&"));
    expect(use?.[1]).toBe("connexion-myminfin");
    const chosen = (await responder.request(`/inbox/${id}?answer=${use![1]}`)).text;
    const answer = /<textarea[^>]*name="text"[^>]*>([^<]*)<\/textarea>/.exec(chosen)?.[1]?.replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&");
    expect(answer).toContain("itsme");
    const sent = await responder.request(`/inbox/${id}`, { form: { intent: "reply", text: answer! } });
    expect(sent.status).toBe(200);
    const answers = (await (await fetch(`${networks}/_demo/answers`)).json()) as { network: string; text: string }[];
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ network: "mastodon", text: `@claire@social.example ${answer}` });

    const month = new Date().toISOString().slice(0, 7);
    const report = (await responder.request(`/reports/response-times/${month}`)).text;
    expect(report).toContain("Mastodon — SPF Finances (démo)");

    // Results: last month's posts have readings, and the stand-ins answer the metrics reads of the
    // demo's Mastodon posts published before they started (as the metrics job asks them).
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 15)).toISOString().slice(0, 7);
    const results = await responder.request(`/reports/analytics/${lastMonth}`);
    expect(results.status).toBe(200);
    const metrics = JSON.parse((await responder.request(`/api/v1/metrics?month=${lastMonth}`)).text) as { publications: { id: string; channelId: string; readings: unknown[] }[] };
    expect(metrics.publications.filter((p) => p.readings.length > 0).length).toBeGreaterThan(20);
    let mastodonId = "";
    for (const p of metrics.publications) {
      const one = JSON.parse((await responder.request(`/api/v1/publications/${p.id}/metrics`)).text) as { network: string };
      if (one.network === "mastodon") {
        mastodonId = p.id;
        break;
      }
    }
    expect(mastodonId).not.toBe("");
    const editor = await signedInClient(url, "editor@demo.cadence.test", "demo-editor-cadence");
    const readNow = await fetch(`${url}/api/v1/publications/${mastodonId}/metrics`, { method: "POST", headers: { cookie: `cadence_session=${editor.cookie("cadence_session")}`, origin: url } });
    expect(readNow.status).toBe(201);
    expect(((await readNow.json()) as { likes: number | null }).likes).toEqual(expect.any(Number));
    child.kill("SIGTERM");
    await new Promise((r) => child!.once("exit", r));
  }, 200_000);
});
