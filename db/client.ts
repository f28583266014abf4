import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "./schema";

export type Db = Kysely<Database>;

const DATE_OID = 1082;
const INT8_OID = 20;

/** DATE stays `yyyy-MM-dd` text (a Brussels calendar date, never shifted by the process zone). */
function getTypeParser(oid: number, format?: "text" | "binary") {
  if (oid === DATE_OID) return (value: string) => value;
  if (oid === INT8_OID) {
    return (value: string) => {
      const n = Number(value);
      if (!Number.isSafeInteger(n)) throw new RangeError(`bigint out of safe range: ${value}`);
      return n;
    };
  }
  return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
}

export interface DbOptions {
  max?: number;
  applicationName?: string;
  /**
   * Ends any statement that runs longer (on the server) and any query that gets no answer (on the
   * client): a stalled database cannot keep a publisher waiting past its claim's lease.
   */
  statementTimeoutMs?: number;
}

export function createPool(connectionString: string, options: DbOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "cadence",
    types: { getTypeParser },
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs, query_timeout: options.statementTimeoutMs + 5_000 } : {}),
  });
  // An idle client that loses its server (database restart) must not crash the process;
  // the pool drops it and the next query reconnects.
  pool.on("error", (error) => {
    process.emitWarning(`database connection lost: ${error.message}`);
  });
  // The same for a client in use when its server goes away: its query fails (and the caller sees
  // it), and the client's own "error" event must not become an uncaught exception.
  pool.on("connect", (client) => {
    client.on("error", (error) => process.emitWarning(`database connection lost: ${error.message}`));
  });
  return pool;
}

/** One round trip to the database (the health check). */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

const pools = new WeakMap<Db, pg.Pool>();

export function createDb(connectionString: string, options: DbOptions = {}): Db {
  const pool = createPool(connectionString, options);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

/** The connection pool behind a Db made by createDb (for its usage figures), or undefined (a transaction's Db). */
export function poolOf(db: Db): Pick<pg.Pool, "totalCount" | "idleCount" | "waitingCount" | "options"> | undefined {
  return pools.get(db);
}
