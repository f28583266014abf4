import { purgeExpiredConversations } from "../app/services/inbox.server";
import { runJob } from "./job-runtime";

await runJob("purge-inbox", async (ctx) => await purgeExpiredConversations(ctx));
