import { purgeExpiredSessions } from "../app/services/auth.server";
import { purgeApiRateWindows } from "../db/repositories/api-tokens";
import { runJob } from "./job-runtime";

await runJob("purge-expired-sessions", async (ctx) => ({ deleted: await purgeExpiredSessions(ctx), rateWindows: await purgeApiRateWindows(ctx.db, ctx.now()) }));
