import { buildJobs, JOBS_BUILD_DIR } from "../../jobs/bundles";
import { JOBS } from "../../jobs/definitions";

// npm run build (after the Remix build): every job compiled into build/jobs/ (jobs/bundles.ts).
await buildJobs(JOBS.map((j) => j.name));
process.stdout.write(`Compiled ${JOBS.length} jobs into ${JOBS_BUILD_DIR}\n`);
