import { alertOverdueConversations, collectInbox, recoverInboxReplies } from "../app/services/inbox.server";
import { runJob } from "./job-runtime";

await runJob("collect-inbox", async (ctx) => {
  const replies = await recoverInboxReplies(ctx);
  const collected = await collectInbox(ctx);
  const alerts = await alertOverdueConversations(ctx);
  return { ...collected, repliesRecovered: replies.recovered, ...alerts };
});
