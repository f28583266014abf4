import fs from "node:fs";
import path from "node:path";
import { backupDatabase, backupFileName, listBackups, pruneBackups } from "../../db/backup";
import type { AppContext } from "./context.server";

/**
 * The nightly backup (the `backup` job): a snapshot of the whole database into
 * `.data/backups/` (docs/operations.md), keeping the last 14 daily and 8 weekly ones. On by
 * default with the embedded database; with DATABASE_URL, the server's own tools are the better
 * way (BACKUP_NIGHTLY=on turns this on anyway).
 */
export const BACKUP_RETENTION = { daily: 14, weekly: 8 };

/** `.data/backups` (the config's data folder: CADENCE_DATA_DIR). */
export function backupDirectory(ctx: Pick<AppContext, "config">): string {
  return path.join(ctx.config.dataDir, "backups");
}

export function nightlyBackupsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.BACKUP_NIGHTLY === "off") return false;
  return env.BACKUP_NIGHTLY === "on" || env.CADENCE_DATABASE_KIND === "embedded";
}

export async function runNightlyBackup(ctx: AppContext): Promise<{ skipped: boolean; file?: string; tables?: number; bytes?: number; pruned?: number }> {
  if (!nightlyBackupsEnabled() || !ctx.config.databaseUrl) return { skipped: true };
  const dir = backupDirectory(ctx);
  const file = backupFileName(dir, ctx.now());
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const result = await backupDatabase(ctx.config.databaseUrl, file);
  const pruned = pruneBackups(dir, BACKUP_RETENTION);
  ctx.log.info("backup written", { file: path.basename(file), tables: result.tables.length, bytes: result.bytes, pruned });
  return { skipped: false, file: path.basename(file), tables: result.tables.length, bytes: result.bytes, pruned };
}

/** The newest backup in the data folder, for the health page and /healthz. */
export function lastBackup(ctx: Pick<AppContext, "config">): { at: Date; bytes: number; name: string } | null {
  return listBackups(backupDirectory(ctx))[0] ?? null;
}
