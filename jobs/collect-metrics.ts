import { collectMetrics } from "../app/services/metrics.server";
import { runJob } from "./job-runtime";

await runJob("collect-metrics", async (ctx) => ({ ...(await collectMetrics(ctx)) }));
