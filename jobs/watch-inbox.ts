import { collectWatches } from "../app/services/inbox-watch.server";
import { runJob } from "./job-runtime";

await runJob("watch-inbox", async (ctx) => ({ ...(await collectWatches(ctx)) }));
