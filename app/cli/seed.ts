import { loadConfig } from "../config.server";
import { migrateToLatest } from "../../db/migrate";
import { DEMO_ACCOUNTS, seedDemo } from "../seed/seed-demo";
import { fail, withDatabase } from "../../db/cli/with-database";

// npm run db:seed: the demo users, channels, questions and a month of posts. Demo mode only, so that
// demo accounts with public passwords never land in a real deployment by accident.
let config;
try {
  config = loadConfig();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 78);
}
if (!config.demo) fail("db:seed creates demo accounts with public passwords; it runs in demo mode only (set CADENCE_DEMO=true to force).", 64);

try {
  const result = await withDatabase(async (db) => {
    await migrateToLatest(db);
    return await seedDemo(db, new Date());
  });
  if (!result.created) {
    process.stdout.write("Demo data is already present; nothing changed.\n");
  } else {
    process.stdout.write(`Demo data created: ${result.items} posts this month.\nDemo sign-in:\n`);
    for (const a of DEMO_ACCOUNTS) process.stdout.write(`  ${a.roles.join(",").padEnd(10)} ${a.email.padEnd(30)} ${a.password}\n`);
  }
} catch (error) {
  fail(`Seeding failed: ${error instanceof Error ? error.message : String(error)}`);
}
