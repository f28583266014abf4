import { recoverStuckPublications } from "../app/services/publishing.server";
import { runJob } from "./job-runtime";

await runJob("recover-publications", async (ctx) => await recoverStuckPublications(ctx));
