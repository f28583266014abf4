import type { Db } from "../../db/client";
import type { AppConfig } from "../config.server";
import type { Logger } from "./logger.server";

/** What every service needs, handed to Remix loaders and actions as load context and to jobs directly. */
export interface AppContext {
  db: Db;
  config: AppConfig;
  log: Logger;
  /** The clock: services never call Date.now() themselves, so tests can set the time. */
  now: () => Date;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    app: AppContext;
  }
}
