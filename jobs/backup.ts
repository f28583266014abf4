import { runNightlyBackup } from "../app/services/backups.server";
import { runJob } from "./job-runtime";

// A snapshot can take a while on a big database: its statements are not bound by the jobs' 30 s timeout (it holds no claim).
await runJob("backup", async (ctx) => ({ ...(await runNightlyBackup(ctx)) }));
