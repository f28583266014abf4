import { publishedRemoteIds } from "../../db/repositories/analytics";
import { listChannels, updateChannelRow } from "../../db/repositories/channels";
import { demoFigures } from "../seed/demo-metrics";
import type { FakeNetworks } from "../../fakes/networks";
import { DEMO_LISTENING_HANDLES } from "../seed/seed-demo";
import type { AppContext } from "./context.server";
import { encryptCredentials } from "./credentials-crypto.server";

/**
 * Demo only: points the demo's Mastodon and Bluesky channels at the local network stand-ins
 * (fakes/networks.ts, started by `npm start` in demo mode), with the credentials those accept, so
 * that the inbox collects what "citizens" write there and answers reach them. Run at each start:
 * the port may have changed. Never runs outside demo mode.
 */
export async function connectDemoChannels(ctx: AppContext, networksUrl: string): Promise<number> {
  if (!ctx.config.demo) return 0;
  const wanted = [
    { network: "mastodon", handle: DEMO_LISTENING_HANDLES.mastodon, baseUrl: `${networksUrl}/mastodon`, credentials: { accessToken: "mastodon-token" } },
    { network: "bluesky", handle: DEMO_LISTENING_HANDLES.bluesky, baseUrl: `${networksUrl}/bluesky`, credentials: { identifier: "cadence.test", appPassword: "demo-app-password" } },
  ] as const;
  let connected = 0;
  for (const channel of await listChannels(ctx.db)) {
    const w = wanted.find((x) => x.network === channel.network && x.handle === channel.handle);
    if (!w || (channel.base_url === w.baseUrl && channel.credentials_encrypted)) continue;
    const credentialsEncrypted = encryptCredentials(ctx.config.credentialsKey, channel.id, JSON.stringify(w.credentials));
    if (await updateChannelRow(ctx.db, channel.id, channel.version, { name: channel.name, handle: channel.handle, baseUrl: w.baseUrl, active: channel.active, credentialsEncrypted, reconnected: true })) connected++;
  }
  return connected;
}

/**
 * Demo only: the demo's Mastodon and Bluesky posts published before the stand-ins started exist on
 * them, with their made-up figures, so that the metrics job reads real answers for them.
 */
export async function adoptDemoPosts(ctx: AppContext, networks: FakeNetworks): Promise<number> {
  if (!ctx.config.demo) return 0;
  const posts = await publishedRemoteIds(ctx.db, ["mastodon", "bluesky"]);
  for (const p of posts) {
    const network = p.network as "mastodon" | "bluesky";
    networks.adopt(network, p.remoteId);
    const id = network === "bluesky" && !p.remoteId.startsWith("at://") ? `at://did:plc:cadence/app.bsky.feed.post/${p.remoteId}` : p.remoteId;
    const f = demoFigures(p.remoteId, network, "28d");
    networks.engage(network, id, Object.fromEntries(Object.entries(f).filter(([, v]) => v !== null)));
  }
  return posts.length;
}
