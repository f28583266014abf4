import { runStager } from "../app/services/media-staging.server";
import { runPublisher, runRecovery } from "../app/services/publishing.server";
import { runJob } from "./job-runtime";

// Long-running: sends what is due, at its second, until the scheduler stops it; beside it, the
// stager uploads the visuals of what falls due within 15 minutes, so that at the minute only the
// post call remains (docs/media.md), and every 30 s the recovery settles publications left
// "sending" by a process that died (decision 0029: in this worker, not one started each time).
// Sixteen connections for 64 calls in flight: each call spends most of its time on the network.
await runJob(
  "publish",
  async (ctx, signal) => {
    const [published, staged, recovery] = await Promise.all([runPublisher(ctx, { signal, concurrency: 64 }), runStager(ctx, { signal, concurrency: 16 }), runRecovery(ctx, { signal })]);
    return { ...published, staged: staged.staged, stagingFailed: staged.failed, ...recovery };
  },
  { connections: 16 },
);
