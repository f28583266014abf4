import { z } from "zod";
import { conversationMessages, findConversation } from "../../db/repositories/inbox";
import type { ApiCaller } from "./api.server";
import { apiJson, invalid, problem } from "./api.server";
import type { AppContext } from "./context.server";
import { inboxPage, sendReply, type InboxQueue } from "./inbox.server";

const listQuery = z.object({
  queue: z.enum(["fr", "nl", "other", "mine", "done"]).default("fr"),
  page: z.coerce.number().int().min(0).max(10_000).default(0),
});

/** GET /api/v1/conversations?queue=fr|nl|other|mine|done&page=N — one queue of the inbox, 50 a page. */
export async function apiListConversations(ctx: AppContext, caller: ApiCaller, url: URL): Promise<Response> {
  const parsed = listQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) return invalid(caller.lang, { queue: { key: "inbox.error.invalid" } });
  const queue: InboxQueue = parsed.data.queue === "done" ? "closed" : parsed.data.queue;
  const page = await inboxPage(ctx, caller.user, queue, parsed.data.page);
  return apiJson({
    conversations: page.rows.map((r) => ({
      id: r.id,
      channelName: r.channel_name,
      network: r.network,
      citizen: r.citizen_handle,
      language: r.language,
      state: r.state,
      assignee: r.assignee_name,
      dueAt: r.due_at.toISOString(),
      lastMessageAt: r.last_message_at.toISOString(),
      lastText: r.last_text,
      messages: r.messages,
    })),
    more: page.more,
  });
}

/** POST /api/v1/conversations/:id/replies {text} — answers the citizen's latest message, exactly once. */
export async function apiReplyToConversation(ctx: AppContext, caller: ApiCaller, id: string, body: unknown): Promise<Response> {
  const conversation = await findConversation(ctx.db, id);
  if (!conversation) return problem(caller.lang, 404, "api.error.notFound");
  const result = await sendReply(ctx, caller.user, id, body);
  if (result.ok) {
    const messages = await conversationMessages(ctx.db, id);
    const waiting = result.state === "awaiting_approval";
    return apiJson({ state: waiting ? "awaiting_approval" : "sent", conversationId: id, inReplyTo: messages.at(-1)?.remote_id ?? null }, waiting ? 202 : 201);
  }
  if (result.key === "inbox.error.replyText") return invalid(caller.lang, { text: { key: result.key } });
  if (result.key === "inbox.error.replyInFlight" || result.key === "inbox.error.state" || result.key === "inbox.error.approvalPending") return problem(caller.lang, 409, result.key);
  if (result.key === "inbox.error.replyUnknown" || result.key === "inbox.error.replyFailed") return problem(caller.lang, 502, result.key, { state: result.state ?? null });
  return problem(caller.lang, result.key === "error.forbidden.body" ? 403 : 400, result.key);
}
