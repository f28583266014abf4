import { runPublisher } from "../app/services/publishing.server";
import { runJob } from "./job-runtime";

// Long-running: sends what is due, at its second, until the scheduler stops it.
await runJob("publish", async (ctx, signal) => await runPublisher(ctx, { signal }));
