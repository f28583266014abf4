import type { Db } from "../client";

/** The local outbox: the "network" that keeps each message it is sent, once per idempotency key. */

export async function insertOutboxMessage(db: Db, message: { publicationId: string; channelId: string; idempotencyKey: string; payload: unknown }): Promise<{ id: number; duplicate: boolean }> {
  const inserted = await db
    .insertInto("outbox_messages")
    .values({ publication_id: message.publicationId, channel_id: message.channelId, idempotency_key: message.idempotencyKey, payload: JSON.stringify(message.payload) })
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (inserted) return { id: Number(inserted.id), duplicate: false };
  const existing = await db.selectFrom("outbox_messages").select("id").where("idempotency_key", "=", message.idempotencyKey).executeTakeFirstOrThrow();
  return { id: Number(existing.id), duplicate: true };
}

/** insertOutboxMessage for many messages in one statement; a key already there answers with its row. */
export async function insertOutboxMessages(
  db: Db,
  messages: readonly { publicationId: string; channelId: string; idempotencyKey: string; payload: unknown }[],
): Promise<{ id: number; duplicate: boolean }[]> {
  if (messages.length === 0) return [];
  const inserted = await db
    .insertInto("outbox_messages")
    .values(messages.map((m) => ({ publication_id: m.publicationId, channel_id: m.channelId, idempotency_key: m.idempotencyKey, payload: JSON.stringify(m.payload) })))
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .returning(["id", "idempotency_key"])
    .execute();
  const fresh = new Map(inserted.map((r) => [r.idempotency_key, Number(r.id)]));
  const missing = messages.filter((m) => !fresh.has(m.idempotencyKey)).map((m) => m.idempotencyKey);
  const existing =
    missing.length > 0 ? await db.selectFrom("outbox_messages").select(["id", "idempotency_key"]).where("idempotency_key", "in", missing).execute() : [];
  const old = new Map(existing.map((r) => [r.idempotency_key, Number(r.id)]));
  // A key twice in one batch: the first is delivered, the second answers as its duplicate.
  const seen = new Set<string>();
  return messages.map((m) => {
    const first = fresh.has(m.idempotencyKey) && !seen.has(m.idempotencyKey);
    seen.add(m.idempotencyKey);
    const id = fresh.get(m.idempotencyKey) ?? old.get(m.idempotencyKey);
    if (id === undefined) throw new Error(`outbox message ${m.idempotencyKey} neither inserted nor found`);
    return { id, duplicate: !first };
  });
}

export async function findOutboxMessage(db: Db, idempotencyKey: string) {
  return await db.selectFrom("outbox_messages").selectAll().where("idempotency_key", "=", idempotencyKey).executeTakeFirst();
}

export async function listOutboxMessages(db: Db, limit: number) {
  return await db
    .selectFrom("outbox_messages as o")
    .innerJoin("channels as c", "c.id", "o.channel_id")
    .select(["o.id", "o.publication_id", "o.payload", "o.received_at", "c.name as channel_name"])
    .orderBy("o.id", "desc")
    .limit(limit)
    .execute();
}
