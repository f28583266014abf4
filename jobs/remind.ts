import { sendReminders } from "../app/services/review.server";
import { runJob } from "./job-runtime";

await runJob("remind", async (ctx) => await sendReminders(ctx));
