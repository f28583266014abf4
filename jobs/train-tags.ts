import { retrainIfChanged } from "../app/services/tag-learning.server";
import { runJob } from "./job-runtime";

await runJob("train-tags", async (ctx) => ({ ...(await retrainIfChanged(ctx)) }));
