import { listChannels, updateChannelRow } from "../../db/repositories/channels";
import { DEMO_LISTENING_HANDLES } from "../../db/seed/seed-demo";
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
