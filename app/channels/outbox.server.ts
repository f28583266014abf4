import type { ChannelAdapter } from "./types";

/**
 * The local outbox: records the exact payload a network would receive, for the outbox page. The
 * default in demo mode, so the demo publishes for real without accounts. Exactly once by
 * construction: the idempotency key is unique in the outbox table.
 */
export const outboxAdapter: ChannelAdapter = {
  network: "outbox",
  // The payload names each visual (its file's hash) with its alt text, as a network would receive them.
  carriesVisuals: true,
  carriesVideos: true,
  async publish(input, deps) {
    if (!deps.outbox) return { kind: "failed", code: "config", detail: "no outbox store" };
    const payload = {
      channel: input.channel.name,
      languages: input.languages,
      text: input.text,
      link: input.link,
      dueAt: input.dueAt.toISOString(),
      itemId: input.itemId,
      ...(input.visuals?.length ? { visuals: input.visuals.map((v) => ({ hash: v.hash, kind: v.kind, alt: v.alt })) } : {}),
    };
    const stored = await deps.outbox.deliver({ publicationId: input.publicationId, channelId: input.channel.id, idempotencyKey: input.idempotencyKey, payload });
    return { kind: "published", remoteId: String(stored.id), remoteUrl: `/outbox#message-${stored.id}` };
  },
  async check(input, deps) {
    const found = await deps.outbox?.find(input.idempotencyKey);
    return found ? { kind: "published", remoteId: String(found.id), remoteUrl: `/outbox#message-${found.id}` } : { kind: "absent" };
  },
  testConnection(channel) {
    return Promise.resolve({ ok: true, account: channel.name });
  },
};
