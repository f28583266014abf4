import { parseArgs } from "node:util";
import { createInterface } from "node:readline/promises";
import { loadConfig } from "../config.server";
import { createLogger } from "../services/logger.server";
import { createUser } from "../services/users.server";
import { translator } from "../i18n";
import { migrateToLatest } from "../../db/migrate";
import { fail, withDatabase } from "../../db/cli/with-database";

// npm run user:create -- --email a@b.be --name "Anne Peeters" [--roles admin,editor] [--lang nl]
// The password is read from CADENCE_NEW_PASSWORD, or asked for on the terminal (never an argument,
// which would land in the shell history and the process list).
const usage = 'usage: npm run user:create -- --email EMAIL --name "NAME" [--roles admin] [--lang fr|nl|en]';
let values;
try {
  ({ values } = parseArgs({
    options: { email: { type: "string" }, name: { type: "string" }, roles: { type: "string", default: "admin" }, lang: { type: "string", default: "fr" } },
  }));
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${usage}`, 64);
}
if (!values.email || !values.name) fail(usage, 64);

let config;
try {
  config = loadConfig();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 78);
}

async function readPassword(): Promise<string> {
  if (process.env.CADENCE_NEW_PASSWORD) return process.env.CADENCE_NEW_PASSWORD;
  if (!process.stdin.isTTY) fail("Set CADENCE_NEW_PASSWORD, or run this in a terminal to be asked for the password.", 64);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const password = await rl.question("Password (at least 12 characters): ");
  rl.close();
  return password;
}

const password = await readPassword();
const t = translator("en");
const result = await withDatabase(async (db) => {
  await migrateToLatest(db);
  return await createUser(
    { db, config, log: createLogger({ level: "warn" }), now: () => new Date() },
    { id: null, label: "command line (user:create)" },
    { email: values.email, displayName: values.name, password, roles: (values.roles ?? "").split(",").map((r) => r.trim()), uiLanguage: values.lang },
  );
});
if (!result.ok) {
  fail(Object.entries(result.errors).map(([field, e]) => `${field}: ${t(e.key, e.params)}`).join("\n"), 65);
}
process.stdout.write(`Created ${result.user.display_name} <${result.user.email}> with roles ${result.user.roles.join(", ")}.\n`);
