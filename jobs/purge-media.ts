import { purgeUnusedMedia } from "../app/services/media.server";
import { runJob } from "./job-runtime";

await runJob("purge-media", async (ctx) => ({ ...(await purgeUnusedMedia(ctx)) }));
