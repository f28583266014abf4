import { sql, type Kysely } from "kysely";

// Who changed an item last, so that a refused move can say "changed by Anne at 14:02".
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("content_items")
    .addColumn("updated_by", "uuid", (c) => c.references("users.id"))
    .execute();
  await sql`update content_items set updated_by = author_id`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("content_items").dropColumn("updated_by").execute();
}
