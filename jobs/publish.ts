import { runStager } from "../app/services/media-staging.server";
import { runPublisher } from "../app/services/publishing.server";
import { runJob } from "./job-runtime";

// Long-running: sends what is due, at its second, until the scheduler stops it; beside it, the
// stager uploads the visuals of what falls due within 15 minutes, so that at the minute only the
// post call remains (docs/media.md).
// Sixteen connections for 64 calls in flight: each call spends most of its time on the network.
await runJob(
  "publish",
  async (ctx, signal) => {
    const [published, staged] = await Promise.all([runPublisher(ctx, { signal, concurrency: 64 }), runStager(ctx, { signal, concurrency: 16 })]);
    return { ...published, staged: staged.staged, stagingFailed: staged.failed };
  },
  { connections: 16 },
);
