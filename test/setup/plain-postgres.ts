import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * A plain PostgreSQL server from Debian's packages (`postgresql-15`), the kind a deployment runs,
 * started in a folder of ours on a port of ours: CI runs the suite on it (besides the embedded
 * one), and the load test runs its web processes and schedulers on it. The cluster that Debian's
 * package may have created for itself is left alone.
 *
 * PostgreSQL refuses to run as root: when we are root, the folder belongs to the `postgres` user
 * the package created and the server's commands run as that user.
 *
 *   tsx test/setup/plain-postgres.ts start <folder>   prints the superuser URL of its `postgres` database
 *   tsx test/setup/plain-postgres.ts stop <folder>
 */

export interface PlainPostgres {
  /** The superuser URL of the server's `postgres` database. */
  url: string;
  version: string;
  stop(): void;
}

/** The newest Debian PostgreSQL's bin folder, or null when none is installed. */
export function debianPostgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, "bin", "postgres")) && fs.existsSync(path.join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : null;
}

const asRoot = () => process.getuid?.() === 0;

/** Runs one of the server's commands, as `postgres` when we are root. */
function run(bin: string, command: string, args: string[]): string {
  const file = path.join(bin, command);
  const [program, argv] = asRoot() ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, args];
  return execFileSync(program, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function stopIn(bin: string, dataDir: string): void {
  if (!fs.existsSync(path.join(dataDir, "postmaster.pid"))) return;
  try {
    run(bin, "pg_ctl", ["stop", "-D", dataDir, "-m", "fast", "-w"]);
  } catch {
    // Already stopped: nothing to do.
  }
}

/**
 * initdb in `<folder>/data` (scram passwords, a `cadence` superuser), then the server on 127.0.0.1
 * at a free port, its socket in the folder. Settings are PostgreSQL's own defaults: a plain server.
 */
export async function startPlainPostgres(folder: string): Promise<PlainPostgres> {
  const bin = debianPostgresBin();
  if (!bin) throw new Error("No PostgreSQL server from Debian's packages: apt-get install -y postgresql-15");
  fs.mkdirSync(folder, { recursive: true });
  const dataDir = path.join(folder, "data");
  const password = randomBytes(12).toString("hex");
  const passwordFile = path.join(folder, "password");
  fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  if (asRoot()) execFileSync("chown", ["-R", "postgres:postgres", folder]);
  fs.chmodSync(folder, 0o700);
  run(bin, "initdb", ["-D", dataDir, "-U", "cadence", "--auth=scram-sha-256", `--pwfile=${passwordFile}`, "-E", "UTF8", "--locale=C.UTF-8"]);
  fs.rmSync(passwordFile);
  const port = await freePort();
  run(bin, "pg_ctl", [
    "start", "-w", "-t", "60", "-D", dataDir, "-l", path.join(folder, "server.log"),
    "-o", `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${folder}`,
  ]);
  const version = run(bin, "postgres", ["--version"]).trim();
  return { url: `postgres://cadence:${password}@127.0.0.1:${port}/postgres`, version, stop: () => stopIn(bin, dataDir) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [command, folder] = process.argv.slice(2);
  if (!folder || (command !== "start" && command !== "stop")) {
    console.error("usage: tsx test/setup/plain-postgres.ts start|stop <folder>");
    process.exit(2);
  }
  if (command === "start") {
    const server = await startPlainPostgres(folder);
    console.error(`${server.version} in ${folder}`);
    console.log(server.url);
  } else {
    const bin = debianPostgresBin();
    if (bin) stopIn(bin, path.join(folder, "data"));
  }
}
