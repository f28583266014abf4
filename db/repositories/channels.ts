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
