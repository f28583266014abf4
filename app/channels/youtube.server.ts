import type { ChannelAdapter } from "./types";

/**
 * YouTube's Data API uploads videos; it has no call to publish a text (community) post. A YouTube
 * channel in Cadence is therefore a reminder in the plan: its publications fail at once with that
 * explanation, and the UI says so where the channel is set up.
 */
export const youtubeAdapter: ChannelAdapter = {
  network: "youtube",
  publish() {
    return Promise.resolve({ kind: "failed", code: "not_supported", detail: "The YouTube Data API cannot publish text posts; post this one by hand." });
  },
  testConnection() {
    return Promise.resolve({ ok: false, code: "not_supported", detail: "The YouTube Data API cannot publish text posts." });
  },
};
