import { sql, type Kysely } from "kysely";

// Issue 18: suggestions that learn from the team's tagging.
// - tag_models: each trained model, versioned (the newest is used by every process), with the
//   fingerprint of the tags and feedback it was trained on (a process retrains only when it changed).
// - tag_feedback: what editors did with suggestions: accepted (a suggestion kept as a tag),
//   rejected (a suggestion dismissed), added (a tag nobody suggested), per item, question and language.
// - content_items.imported_at: a past post brought in as history from a spreadsheet or the API
//   (published before Cadence, no publication): it teaches the suggestions and shows in the calendar.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table tag_models (
      version serial primary key,
      trained_at timestamptz not null default now(),
      fingerprint text not null,
      examples integer not null,
      train_ms integer not null,
      model jsonb not null
    )`.execute(db);
  await sql`
    create table tag_feedback (
      id bigserial primary key,
      content_item_id uuid not null references content_items(id) on delete cascade,
      recurring_question_id uuid not null references recurring_questions(id) on delete cascade,
      language text not null check (language in ('fr', 'nl')),
      verdict text not null check (verdict in ('accepted', 'rejected', 'added')),
      user_id uuid references users(id) on delete set null,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index tag_feedback_question_at on tag_feedback (recurring_question_id, at)`.execute(db);
  await sql`create index tag_feedback_item on tag_feedback (content_item_id)`.execute(db);
  await sql`alter table content_items add column imported_at timestamptz`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table content_items drop column imported_at`.execute(db);
  await sql`drop table tag_feedback`.execute(db);
  await sql`drop table tag_models`.execute(db);
}
