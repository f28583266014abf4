import { z } from "zod";
import { findChannelById, insertChannel, listChannels, setChannelCredentials, setChannelMediaLimits, updateChannelRow } from "../../db/repositories/channels";
import type { Channel, Network, User } from "../../db/schema";
import { adapterFor } from "../channels/registry.server";
import type { ErrorCode } from "../channels/types";
import { can } from "../domain/permissions";
import type { MessageKey } from "../i18n";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { readChannelCredentials, sealChannelCredentials } from "./credentials-crypto.server";
import { adapterChannel, adapterDeps } from "./publishing.server";
import { toFieldErrors, type FieldErrors } from "./validation.server";

/** The credentials each network needs (entered once, encrypted at rest, never shown again). */
export const CREDENTIAL_FIELDS: Record<Network, string[]> = {
  x: ["accessToken", "refreshToken", "clientId", "clientSecret", "expiresAt"],
  facebook: ["pageId", "accessToken", "appId"],
  linkedin: ["author", "accessToken", "version", "refreshToken", "clientId", "clientSecret", "expiresAt"],
  mastodon: ["accessToken"],
  bluesky: ["identifier", "appPassword"],
  webhook: ["secret"],
  youtube: ["accessToken", "refreshToken", "clientId", "clientSecret", "expiresAt", "privacyStatus"],
  outbox: [],
};

/** Networks whose API address must be given (an instance, a receiver); the others have a default. */
const NEEDS_BASE_URL: Network[] = ["mastodon", "webhook"];

const NETWORKS = ["x", "facebook", "linkedin", "mastodon", "bluesky", "youtube", "webhook", "outbox"] as const;

const channelSchema = z.object({
  id: z.string().uuid().optional().or(z.literal("").transform(() => undefined)),
  version: z.coerce.number().int().min(1).optional(),
  network: z.enum(NETWORKS, "validation.invalid"),
  language: z.enum(["fr", "nl", "bilingual"], "validation.invalid"),
  name: z.string().trim().min(1, "validation.required").max(120, "validation.tooLong"),
  handle: z.string().trim().max(200, "validation.tooLong").default(""),
  baseUrl: z
    .string()
    .trim()
    .max(500, "validation.tooLong")
    .default("")
    .refine((s) => s === "" || /^https?:\/\/[^\s]+$/i.test(s), "validation.url"),
  active: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
  trackLinks: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
});

export type ChannelResult = { ok: true; id: string } | { ok: false; errors: FieldErrors };

/** What the admin page lists: never the credentials, only whether they are stored. */
export async function channelsForAdmin(ctx: AppContext) {
  const rows = await listChannels(ctx.db);
  return rows.map((c) => ({
    id: c.id,
    network: c.network,
    language: c.language,
    name: c.name,
    handle: c.handle,
    baseUrl: c.base_url ?? "",
    active: c.active,
    trackLinks: c.track_links,
    version: c.version,
    hasCredentials: !!c.credentials_encrypted,
    needsReconnect: c.needs_reconnect,
    reconnectReason: c.reconnect_reason,
  }));
}

/**
 * Adds or edits a channel (admins). Credentials typed in replace the stored ones (encrypted with
 * AES-256-GCM); left blank, the stored ones are kept. New credentials clear "needs reconnecting".
 */
export async function saveChannel(ctx: AppContext, user: User, input: Record<string, unknown>): Promise<ChannelResult> {
  if (!can(user.roles, "channels.manage")) return { ok: false, errors: { _form: { key: "error.forbidden.body" } } };
  const parsed = channelSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const data = parsed.data;
  if (NEEDS_BASE_URL.includes(data.network) && !data.baseUrl) return { ok: false, errors: { baseUrl: { key: "channel.baseUrlRequired" } } };
  const typed = Object.fromEntries(
    CREDENTIAL_FIELDS[data.network]
      .map((f) => [f, typeof input[`cred_${f}`] === "string" ? (input[`cred_${f}`] as string).trim() : ""] as const)
      .filter(([, v]) => v !== ""),
  );
  const hasNew = Object.keys(typed).length > 0;
  return await ctx.db.transaction().execute(async (tx): Promise<ChannelResult> => {
    if (!data.id) {
      const channel = await insertChannel(tx, { network: data.network, language: data.language, name: data.name, handle: data.handle, base_url: data.baseUrl || null, credentials_encrypted: null, active: data.active, track_links: data.trackLinks });
      if (hasNew) await setChannelCredentials(tx, channel.id, sealChannelCredentials(ctx.config.credentialsKey, channel.id, typed));
      await audit(tx, actorOf(user), { action: "channel.created", subjectType: "channel", subjectId: channel.id, after: { network: data.network, language: data.language, name: data.name, credentials: hasNew ? "stored" : "none" } });
      return { ok: true, id: channel.id };
    }
    const before = await findChannelById(tx, data.id);
    if (!before) return { ok: false, errors: { _form: { key: "error.notFound.body" } } };
    // Fields typed in are merged into the stored ones, so one token can be replaced alone.
    const merged = hasNew ? { ...readChannelCredentials(ctx.config.credentialsKey, before), ...typed } : null;
    const updated = await updateChannelRow(tx, data.id, data.version ?? 0, {
      name: data.name,
      handle: data.handle,
      baseUrl: data.baseUrl || null,
      active: data.active,
      trackLinks: data.trackLinks,
      ...(merged ? { credentialsEncrypted: sealChannelCredentials(ctx.config.credentialsKey, data.id, merged), reconnected: true } : {}),
    });
    if (!updated) return { ok: false, errors: { _form: { key: "item.conflict" } } };
    await audit(tx, actorOf(user), {
      action: "channel.updated",
      subjectType: "channel",
      subjectId: data.id,
      before: { name: before.name, handle: before.handle, baseUrl: before.base_url, active: before.active, trackLinks: before.track_links },
      after: { name: data.name, handle: data.handle, baseUrl: data.baseUrl, active: data.active, trackLinks: data.trackLinks, ...(merged ? { credentials: "replaced" } : {}) },
    });
    return { ok: true, id: data.id };
  });
}

/** The "test connection" button: one harmless authenticated call with the stored credentials. */
export async function testChannelConnection(ctx: AppContext, user: User, channelId: string): Promise<{ ok: true; account: string } | { ok: false; key: MessageKey; code?: ErrorCode; detail?: string }> {
  if (!can(user.roles, "channels.manage")) return { ok: false, key: "error.forbidden.body" };
  if (!z.string().uuid().safeParse(channelId).success) return { ok: false, key: "error.notFound.body" };
  const channel: Channel | undefined = await findChannelById(ctx.db, channelId);
  if (!channel) return { ok: false, key: "error.notFound.body" };
  const adapter = adapterFor(channel.network);
  const result = await adapter.testConnection(adapterChannel(ctx, channel), adapterDeps(ctx));
  // A working connection also tells the instance's own media limits, which the networks' rules then use.
  if (result.ok && adapter.mediaLimits) {
    const limits = await adapter.mediaLimits(adapterChannel(ctx, channel), adapterDeps(ctx));
    if (limits) await setChannelMediaLimits(ctx.db, channel.id, limits);
  }
  return result.ok ? result : { ok: false, key: `publishError.${result.code}` as MessageKey, code: result.code, detail: result.detail };
}
