import { sendReminders } from "../app/services/reminders.server";
import { runJob } from "./job-runtime";

await runJob("remind", async (ctx) => await sendReminders(ctx));
