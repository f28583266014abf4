import type { Db } from "../../db/client";
import type { User } from "../../db/schema";
import type { AppConfig } from "../config.server";
import type { SupervisedProcessStatus } from "../domain/scheduler-health";
import type { Logger } from "./logger.server";

/** What every service needs, handed to Remix loaders and actions as load context and to jobs directly. */
export interface AppContext {
  db: Db;
  config: AppConfig;
  log: Logger;
  /** The clock: services never call Date.now() themselves, so tests can set the time. */
  now: () => Date;
  /**
   * What one HTTP request has already looked up, shared by all its loaders (Remix gives each loader
   * its own Request object, so the request itself cannot be the key). Absent outside a request.
   */
  requestScope?: { user?: Promise<User | null>; address?: string };
  /** Under `npm start`, what the supervisor knows of the scheduler process it runs beside the web server. */
  supervisedScheduler?: () => SupervisedProcessStatus;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    app: AppContext;
    /** This response's Content-Security-Policy nonce (web requests only). */
    cspNonce?: string;
  }
}
