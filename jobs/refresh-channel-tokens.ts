import { refreshExpiringTokens } from "../app/services/publishing.server";
import { runJob } from "./job-runtime";

await runJob("refresh-channel-tokens", async (ctx) => await refreshExpiringTokens(ctx));
