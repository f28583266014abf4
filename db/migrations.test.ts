import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test/setup/database";
import { migrateAllTheWayDown, migrateToLatest } from "./migrate";
import { migrations } from "./migrations/index";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ empty: true });
});
afterAll(async () => {
  await t.drop();
});

async function tables(): Promise<string[]> {
  const rows = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(t.db);
  return rows.rows.map((r) => r.table_name).filter((name) => !name.startsWith("schema_migrations"));
}

async function functions(): Promise<string[]> {
  const rows = await sql<{ proname: string }>`
    select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'`.execute(t.db);
  return rows.rows.map((r) => r.proname);
}

const EXPECTED_TABLES = [
  "api_rate_windows",
  "api_tokens",
  "audit_events",
  "calendar_feeds",
  "channel_goals",
  "channels",
  "content_item_channels",
  "content_items",
  "conversation_alerts",
  "conversation_notes",
  "conversations",
  "day_notes",
  "inbox_cursors",
  "inbox_messages",
  "inbox_replies",
  "inbox_watch_cursors",
  "item_comments",
  "item_tags",
  "link_clicks",
  "media_files",
  "metric_totals",
  "metrics_cursors",
  "metrics_time_cells",
  "outbox_messages",
  "parity_exceptions",
  "publication_metrics",
  "publications",
  "publishing_holds",
  "question_volumes",
  "recurring_questions",
  "reminders",
  "scheduler_heartbeats",
  "sessions",
  "settings",
  "tag_feedback",
  "tag_models",
  "tracked_links",
  "users",
  "variants",
];

describe("migrations on a fresh database", () => {
  it("go up to the latest, all the way down leaving nothing behind, and up again", async () => {
    expect(await tables()).toEqual([]);

    expect(await migrateToLatest(t.db)).toEqual(Object.keys(migrations).map((name) => `applied ${name}`));
    expect(await tables()).toEqual(EXPECTED_TABLES);
    expect(await migrateToLatest(t.db)).toEqual([]);

    expect(await migrateAllTheWayDown(t.db)).toEqual(Object.keys(migrations).reverse().map((name) => `reverted ${name}`));
    expect(await tables()).toEqual([]);
    expect(await functions()).toEqual([]);

    await migrateToLatest(t.db);
    expect(await tables()).toEqual(EXPECTED_TABLES);
  });

  it("make audit events append-only, even for the database owner", async () => {
    await sql`insert into audit_events (actor_label, action, subject_type) values ('test', 'x', 'system')`.execute(t.db);
    await expect(sql`update audit_events set action = 'changed'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it("refuse invalid rows at the database level", async () => {
    await expect(
      sql`insert into users (email, display_name, roles) values ('a@b.be', 'A', array['superuser'])`.execute(t.db),
    ).rejects.toThrow(/check constraint/);
    await sql`insert into users (email, display_name) values ('Same@b.be', 'A')`.execute(t.db);
    await expect(sql`insert into users (email, display_name) values ('same@B.be', 'B')`.execute(t.db)).rejects.toThrow(/users_email_key/);
  });
});
