import { loadConfig } from "../config.server";

/**
 * Demo only: a "citizen" writes to the demo's Mastodon or Bluesky account, on the local network
 * stand-ins that `npm start` runs in demo mode. The inbox collects it within a minute.
 *
 *   npm run demo:mention -- mastodon "Bonjour, où trouver mon avertissement-extrait de rôle ?"
 *   npm run demo:mention -- bluesky "Goedemiddag, wanneer krijg ik mijn terugbetaling?" --author jan.bsky.social
 *   npm run demo:mention -- answers      (what Cadence answered)
 */
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const author = option("author");
const replyTo = option("reply-to");
const [network, ...words] = args;
const config = loadConfig();
if (config.demoNetworksPort === null) {
  process.stderr.write("The demo networks run in demo mode only (CADENCE_DEMO_NETWORKS=false turns them off).\n");
  process.exit(64);
}
const base = `http://127.0.0.1:${config.demoNetworksPort}`;
try {
  if (network === "answers") {
    const answers = (await (await fetch(`${base}/_demo/answers`)).json()) as { network: string; inReplyTo: string; text: string; at: string }[];
    for (const a of answers) process.stdout.write(`${a.at}  ${a.network}  → ${a.inReplyTo}\n  ${a.text}\n`);
    if (answers.length === 0) process.stdout.write("No answer yet.\n");
  } else if ((network === "mastodon" || network === "bluesky") && words.length > 0) {
    const who = author ?? (network === "mastodon" ? `citoyen${Math.floor(Math.random() * 1000)}@social.example` : `burger${Math.floor(Math.random() * 1000)}.bsky.social`);
    const r = await fetch(`${base}/_demo/mentions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ network, author: who, text: words.join(" "), inReplyTo: replyTo }) });
    const body = (await r.json()) as { id?: string; error?: string };
    if (!r.ok) throw new Error(body.error ?? `HTTP ${r.status}`);
    process.stdout.write(`${who} wrote to the demo ${network} account (${body.id}). The inbox collects it within a minute.\n`);
  } else {
    process.stderr.write('Usage: npm run demo:mention -- mastodon|bluesky "text" [--author handle] [--reply-to id]\n       npm run demo:mention -- answers\n');
    process.exit(64);
  }
} catch (error) {
  process.stderr.write(`The demo networks at ${base} did not answer (is \`npm start\` running in demo mode?): ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(69);
}
