import { migrateAllTheWayDown, migrateDownOne, migrateToLatest } from "../migrate";
import { fail, withDatabase } from "./with-database";

// npm run db:migrate               apply every pending migration
// npm run db:migrate -- --down     revert the latest migration
// npm run db:migrate -- --down-all revert every migration (drops all of Cadence's tables)
const arg = process.argv[2];
if (arg && arg !== "--down" && arg !== "--down-all") fail(`unknown option ${arg}; use --down or --down-all`, 64);

try {
  const lines = await withDatabase((db) =>
    arg === "--down" ? migrateDownOne(db) : arg === "--down-all" ? migrateAllTheWayDown(db) : migrateToLatest(db),
  );
  process.stdout.write(lines.length > 0 ? `${lines.join("\n")}\n` : "The database is up to date.\n");
} catch (error) {
  fail(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
}
