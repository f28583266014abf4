import { sql, type Kysely } from "kysely";

// Issue 16, second part: replies that need a second person's approval (sensitive words or
// channels), and keyword watches (public posts found by the networks' search, kept apart from
// what is addressed to the administration).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table inbox_replies drop constraint inbox_replies_state_check`.execute(db);
  await sql`alter table inbox_replies add constraint inbox_replies_state_check check (state in ('awaiting_approval', 'rejected', 'sending', 'sent', 'failed', 'unconfirmed'))`.execute(db);
  // Why a second approval is needed (the words or the channel), and who decided, when, why not.
  await sql`
    alter table inbox_replies
      add column approval_reasons text[],
      add column decided_by uuid references users(id),
      add column decided_at timestamptz,
      add column decision_note text check (length(decision_note) <= 500)`.execute(db);
  // One reply waiting for approval per conversation, as one on its way.
  await sql`create unique index inbox_replies_one_awaiting on inbox_replies (conversation_id) where state = 'awaiting_approval'`.execute(db);

  // Where a conversation comes from: addressed to us (mention, reply, comment), or found by a watch.
  await sql`alter table conversations add column origin text not null default 'addressed' check (origin in ('addressed', 'watch'))`.execute(db);
  // The language queues hold what was addressed to us: their index says so, and serves their counts
  // by an index-only scan. The watched queue is small and reads the table.
  await sql`drop index conversations_queue_idx`.execute(db);
  await sql`create index conversations_queue_idx on conversations (language, due_at, id) where state in ('new', 'assigned', 'waiting') and origin = 'addressed'`.execute(db);
  // Where each watched term's search stands, per channel.
  await sql`
    create table inbox_watch_cursors (
      channel_id uuid not null references channels(id) on delete cascade,
      term text not null,
      position text,
      polled_at timestamptz,
      not_before timestamptz,
      failures integer not null default 0,
      last_error_code text,
      last_error text,
      primary key (channel_id, term)
    )`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table inbox_watch_cursors`.execute(db);
  await sql`drop index conversations_queue_idx`.execute(db);
  await sql`alter table conversations drop column origin`.execute(db);
  await sql`create index conversations_queue_idx on conversations (language, due_at, id) where state in ('new', 'assigned', 'waiting')`.execute(db);
  await sql`drop index inbox_replies_one_awaiting`.execute(db);
  await sql`delete from inbox_replies where state in ('awaiting_approval', 'rejected')`.execute(db);
  await sql`alter table inbox_replies drop column approval_reasons, drop column decided_by, drop column decided_at, drop column decision_note`.execute(db);
  await sql`alter table inbox_replies drop constraint inbox_replies_state_check`.execute(db);
  await sql`alter table inbox_replies add constraint inbox_replies_state_check check (state in ('sending', 'sent', 'failed', 'unconfirmed'))`.execute(db);
}
