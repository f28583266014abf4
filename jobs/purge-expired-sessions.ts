import { purgeExpiredSessions } from "../app/services/auth.server";
import { runJob } from "./job-runtime";

await runJob("purge-expired-sessions", async (ctx) => ({ deleted: await purgeExpiredSessions(ctx) }));
