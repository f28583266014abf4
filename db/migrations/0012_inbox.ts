import { sql, type Kysely } from "kysely";

// Listening and answering (issue 16): what citizens address to each channel, threaded into
// conversations, routed by language, answered within one business day; the replies Cadence sends,
// exactly once; where each channel's collection stands. A new role answers citizens.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop constraint users_roles_check`.execute(db);
  await sql`alter table users add constraint users_roles_check check (roles <@ array['admin', 'editor', 'translator', 'approver', 'viewer', 'responder']::text[])`.execute(db);
  // The administration's reference answer to each recurring question, in both languages.
  await sql`alter table recurring_questions add column answer_fr text check (length(answer_fr) <= 400), add column answer_nl text check (length(answer_nl) <= 400)`.execute(db);

  // Where collection stands per channel: the network's position, and the back-off after a refusal.
  await sql`
    create table inbox_cursors (
      channel_id uuid primary key references channels(id) on delete cascade,
      position text,
      polled_at timestamptz,
      not_before timestamptz,
      failures integer not null default 0,
      last_error_code text,
      last_error text
    )`.execute(db);

  await sql`
    create table conversations (
      id uuid primary key default gen_random_uuid(),
      channel_id uuid not null references channels(id) on delete cascade,
      -- The citizen's handle on the network (to address the reply), nothing more of their profile.
      citizen_handle text not null,
      -- The Cadence post the conversation answers, when it answers one.
      content_item_id uuid references content_items(id) on delete set null,
      language text not null check (language in ('fr', 'nl', 'other')),
      state text not null default 'new' check (state in ('new', 'assigned', 'waiting', 'answered', 'closed')),
      close_reason text check (close_reason in ('spam', 'thanks', 'off_topic', 'handled_elsewhere')),
      assignee_id uuid references users(id) on delete set null,
      first_message_at timestamptz not null,
      last_message_at timestamptz not null,
      due_at timestamptz not null,
      first_response_at timestamptz,
      closed_at timestamptz,
      -- Who is writing an answer right now (shown to the others), until when.
      replying_by uuid references users(id) on delete set null,
      replying_until timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((state = 'closed') = (closed_at is not null))
    )`.execute(db);
  // The inbox's queues and their counts: conversations waiting for us, of one language, by deadline.
  await sql`create index conversations_queue_idx on conversations (language, due_at, id) where state in ('new', 'assigned', 'waiting')`.execute(db);
  // A citizen's open conversation on a channel, where a new message that answers nothing goes.
  await sql`create index conversations_citizen_idx on conversations (channel_id, citizen_handle) where state <> 'closed'`.execute(db);

  await sql`
    create table inbox_messages (
      id uuid primary key default gen_random_uuid(),
      conversation_id uuid not null references conversations(id) on delete cascade,
      channel_id uuid not null references channels(id) on delete cascade,
      -- The network's id of the message (Mastodon status id, Bluesky post URI): collected once.
      remote_id text not null,
      -- What a reply must quote (Bluesky's cid and thread root).
      remote_cid text,
      root_remote_id text,
      root_remote_cid text,
      in_reply_to_remote_id text,
      author_handle text not null,
      text text not null,
      language text not null check (language in ('fr', 'nl', 'other')),
      -- Mastodon's visibility, so a direct message is answered directly.
      visibility text,
      written_at timestamptz not null,
      collected_at timestamptz not null default now(),
      unique (channel_id, remote_id)
    )`.execute(db);
  await sql`create index inbox_messages_conversation_idx on inbox_messages (conversation_id, written_at)`.execute(db);
  // The early warning's hourly counts.
  await sql`create index inbox_messages_written_idx on inbox_messages (written_at)`.execute(db);

  await sql`
    create table inbox_replies (
      id uuid primary key default gen_random_uuid(),
      conversation_id uuid not null references conversations(id) on delete cascade,
      -- The citizen's message this answers.
      message_id uuid not null references inbox_messages(id) on delete cascade,
      author_id uuid not null references users(id),
      text text not null,
      -- Sent as Mastodon's Idempotency-Key; Bluesky's record key is chosen before the call.
      idempotency_key text not null unique default gen_random_uuid()::text,
      remote_key text,
      state text not null check (state in ('sending', 'sent', 'failed', 'unconfirmed')),
      claimed_by text,
      claimed_at timestamptz,
      remote_id text,
      remote_url text,
      error_code text,
      error text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    )`.execute(db);
  // Two people answering one conversation at once: only one reply can be on its way.
  await sql`create unique index inbox_replies_one_in_flight on inbox_replies (conversation_id) where state = 'sending'`.execute(db);

  // Who was told that a conversation is overdue: its assignee and the approvers, once each.
  await sql`
    create table conversation_alerts (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id) on delete cascade,
      conversation_id uuid not null references conversations(id) on delete cascade,
      created_at timestamptz not null default now(),
      emailed_at timestamptz,
      dismissed_at timestamptz,
      unique (user_id, conversation_id)
    )`.execute(db);
  // Serves a person's open alerts.
  await sql`create index conversation_alerts_open_idx on conversation_alerts (user_id, created_at) where dismissed_at is null`.execute(db);

  await sql`
    create table conversation_notes (
      id uuid primary key default gen_random_uuid(),
      conversation_id uuid not null references conversations(id) on delete cascade,
      author_id uuid not null references users(id),
      text text not null check (length(text) between 1 and 2000),
      created_at timestamptz not null default now()
    )`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table conversation_alerts, conversation_notes, inbox_replies, inbox_messages, conversations, inbox_cursors`.execute(db);
  await sql`alter table recurring_questions drop column answer_fr, drop column answer_nl`.execute(db);
  await sql`update users set roles = array_remove(roles, 'responder')`.execute(db);
  await sql`alter table users drop constraint users_roles_check`.execute(db);
  await sql`alter table users add constraint users_roles_check check (roles <@ array['admin', 'editor', 'translator', 'approver', 'viewer']::text[])`.execute(db);
}
