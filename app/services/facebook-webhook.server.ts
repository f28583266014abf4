import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { listChannels } from "../../db/repositories/channels";
import { waitForChannelCollection } from "../../db/repositories/inbox";
import { facebookComment } from "../channels/facebook.server";
import type { IncomingMessage } from "../channels/types";
import type { AppContext } from "./context.server";
import { storeMessages } from "./inbox.server";
import { adapterChannel } from "./publishing.server";

/**
 * The Facebook page webhook: Meta pushes each comment on the page's posts as it is written, so the
 * inbox sees it at once instead of at the next collection round. It is an accelerator, never the
 * only path: polling still reads every comment, and a comment that came both ways is stored once
 * (its unique key). Citizens' words are never logged.
 */

/** GET: Meta's subscription check. The challenge is echoed only for our own verify token. */
export function verifyFacebookSubscription(ctx: AppContext, params: URLSearchParams): { status: number; body: string } {
  const hook = ctx.config.facebookWebhook;
  if (!hook) return { status: 404, body: "" };
  const given = params.get("hub.verify_token") ?? "";
  if (params.get("hub.mode") !== "subscribe" || !sameSecret(given, hook.verifyToken)) return { status: 403, body: "" };
  return { status: 200, body: params.get("hub.challenge") ?? "" };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** X-Hub-Signature-256: "sha256=" and the HMAC-SHA256 of the raw body with the app secret. */
export function validFacebookSignature(appSecret: string, rawBody: string, header: string | null): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header ?? "");
  if (!match) return false;
  const expected = createHmac("sha256", appSecret).update(rawBody, "utf8").digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, "hex"));
}

const changeSchema = z.object({
  field: z.string(),
  value: z
    .object({
      item: z.string().optional(),
      verb: z.string().optional(),
      comment_id: z.string().optional(),
      post_id: z.string().optional(),
      parent_id: z.string().optional(),
      message: z.string().optional(),
      from: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
      created_time: z.union([z.number(), z.string()]).optional(),
    })
    .passthrough(),
});
const payloadSchema = z.object({
  object: z.string(),
  entry: z.array(z.object({ id: z.string(), time: z.number().optional(), changes: z.array(changeSchema).optional() })).max(1000),
});

/**
 * POST: a batch of page changes. Only new comments are kept (item "comment", verb "add"), the
 * page's own answers left out. Answered 200 once stored; 401 for a bad signature (Meta retries a
 * failed delivery, and polling catches anything it gives up on).
 */
export async function receiveFacebookWebhook(ctx: AppContext, rawBody: string, signature: string | null): Promise<{ status: number; stored: number }> {
  const hook = ctx.config.facebookWebhook;
  if (!hook) return { status: 404, stored: 0 };
  if (!validFacebookSignature(hook.appSecret, rawBody, signature)) {
    ctx.log.warn("facebook webhook refused: bad signature");
    return { status: 401, stored: 0 };
  }
  let parsed: z.infer<typeof payloadSchema>;
  try {
    const result = payloadSchema.safeParse(JSON.parse(rawBody));
    if (!result.success) return { status: 400, stored: 0 };
    parsed = result.data;
  } catch {
    return { status: 400, stored: 0 };
  }
  if (parsed.object !== "page") return { status: 200, stored: 0 };
  const channels = (await listChannels(ctx.db, { activeOnly: true })).filter((c) => c.network === "facebook");
  const byPage = new Map(channels.map((c) => {
    const ac = adapterChannel(ctx, c);
    return [ac.credentials.pageId ?? ac.handle, c] as const;
  }));
  let stored = 0;
  for (const entry of parsed.entry) {
    const channel = byPage.get(entry.id);
    if (!channel) continue;
    const messages: IncomingMessage[] = [];
    for (const change of entry.changes ?? []) {
      const v = change.value;
      if (change.field !== "feed" || v.item !== "comment" || v.verb !== "add" || !v.comment_id || !v.post_id) continue;
      if (v.from?.id === entry.id) continue;
      const parentId = v.parent_id && v.parent_id !== v.post_id ? v.parent_id : null;
      messages.push(facebookComment({ id: v.comment_id, message: v.message, from: v.from, createdAt: v.created_time, parentId, postId: v.post_id }, ctx.now()));
    }
    if (messages.length === 0) continue;
    messages.sort((a, b) => a.writtenAt.getTime() - b.writtenAt.getTime());
    stored += await ctx.db.transaction().execute(async (tx) => {
      await waitForChannelCollection(tx, channel.id);
      return storeMessages(tx, channel, messages);
    });
  }
  ctx.log.info("facebook webhook received", { entries: parsed.entry.length, stored });
  return { status: 200, stored };
}
