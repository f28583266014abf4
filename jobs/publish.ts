import { runPublisher } from "../app/services/publishing.server";
import { runJob } from "./job-runtime";

// Long-running: sends what is due, at its second, until the scheduler stops it.
// Sixteen connections for 64 calls in flight: each call spends most of its time on the network.
await runJob("publish", async (ctx, signal) => await runPublisher(ctx, { signal, concurrency: 64 }), { connections: 16 });
