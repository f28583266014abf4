import { blueskyAdapter } from "./bluesky.server";
import { facebookAdapter } from "./facebook.server";
import { linkedinAdapter } from "./linkedin.server";
import { mastodonAdapter } from "./mastodon.server";
import { outboxAdapter } from "./outbox.server";
import type { AdapterNetwork, ChannelAdapter } from "./types";
import { webhookAdapter } from "./webhook.server";
import { xAdapter } from "./x.server";
import { youtubeAdapter } from "./youtube.server";

const ADAPTERS: Record<AdapterNetwork, ChannelAdapter> = {
  x: xAdapter,
  facebook: facebookAdapter,
  linkedin: linkedinAdapter,
  mastodon: mastodonAdapter,
  bluesky: blueskyAdapter,
  youtube: youtubeAdapter,
  webhook: webhookAdapter,
  outbox: outboxAdapter,
};

export function adapterFor(network: AdapterNetwork): ChannelAdapter {
  return ADAPTERS[network];
}
