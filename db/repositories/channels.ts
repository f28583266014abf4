import { sql } from "kysely";
import type { InstanceMediaLimits } from "../../app/domain/network-media";
import type { Db } from "../client";
import type { Channel, ChannelsTable } from "../schema";
import type { Insertable } from "kysely";

export async function listChannels(db: Db, options: { activeOnly?: boolean } = {}): Promise<Channel[]> {
  let query = db.selectFrom("channels").selectAll().orderBy("network").orderBy("language").orderBy("name");
  if (options.activeOnly) query = query.where("active", "=", true);
  return await query.execute();
}

export async function insertChannel(db: Db, channel: Insertable<ChannelsTable>): Promise<Channel> {
  return await db.insertInto("channels").values(channel).returningAll().executeTakeFirstOrThrow();
}

export async function findChannelById(db: Db, id: string): Promise<Channel | undefined> {
  return await db.selectFrom("channels").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function updateChannelRow(
  db: Db,
  id: string,
  expectedVersion: number,
  change: { name: string; handle: string; baseUrl: string | null; active: boolean; trackLinks?: boolean; credentialsEncrypted?: string | null; reconnected?: boolean },
): Promise<Channel | undefined> {
  return await db
    .updateTable("channels")
    .set((eb) => ({
      name: change.name,
      handle: change.handle,
      base_url: change.baseUrl,
      active: change.active,
      ...(change.trackLinks !== undefined ? { track_links: change.trackLinks } : {}),
      ...(change.credentialsEncrypted !== undefined ? { credentials_encrypted: change.credentialsEncrypted } : {}),
      ...(change.reconnected ? { needs_reconnect: false, reconnect_reason: null } : {}),
      version: eb("version", "+", 1),
      updated_at: new Date(),
    }))
    .where("id", "=", id)
    .where("version", "=", expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function setChannelCredentials(db: Db, id: string, credentialsEncrypted: string): Promise<void> {
  await db.updateTable("channels").set({ credentials_encrypted: credentialsEncrypted }).where("id", "=", id).execute();
}

/** Stores what a Mastodon instance says of its media limits (null: the network's defaults). */
export async function setChannelMediaLimits(db: Db, id: string, limits: InstanceMediaLimits | null): Promise<void> {
  await db.updateTable("channels").set({ media_limits: limits ? JSON.stringify(limits) : null }).where("id", "=", id).execute();
}

export async function markChannelNeedsReconnect(db: Db, channelId: string, reason: string): Promise<void> {
  await db.updateTable("channels").set({ needs_reconnect: true, reconnect_reason: reason, updated_at: sql<Date>`now()` }).where("id", "=", channelId).execute();
}

export async function setChannelReconnected(db: Db, channelId: string): Promise<void> {
  await db.updateTable("channels").set({ needs_reconnect: false, reconnect_reason: null, updated_at: sql<Date>`now()` }).where("id", "=", channelId).execute();
}
