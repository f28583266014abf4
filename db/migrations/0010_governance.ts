import { sql, type Kysely } from "kysely";

// Governance (issue 7).
// - The exact text and link each publication sent, stored when the call starts, for the archive
//   export (the variant's text may be edited later, or the item archived).
// - Every outcome of a publication attempt is an audit event, written by the database in the same
//   statement that records the outcome: one insert per statement (the publisher's group commits
//   stay group commits), and no code path can record an outcome without its audit row.
// - Users signing in through the administration's identity provider (OpenID Connect) are found
//   by the provider's subject.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table publications add column sent_text text, add column sent_link text`.execute(db);
  await sql`alter table users add column oidc_subject text unique`.execute(db);

  await sql`
    create function publications_audit_outcomes() returns trigger language plpgsql as $$
    begin
      insert into audit_events (actor_id, actor_label, action, subject_type, subject_id, before, after)
      select null, 'publisher',
             case when n.state = 'scheduled' then 'publication.retry_scheduled' else 'publication.' || n.state end,
             'content_item', n.content_item_id::text,
             jsonb_build_object('publication', n.id, 'state', o.state, 'attempts', o.attempts),
             jsonb_strip_nulls(jsonb_build_object(
               'publication', n.id, 'channel', n.channel_id, 'languages', n.languages, 'state', n.state,
               'remoteId', n.remote_id, 'remoteUrl', n.remote_url, 'errorCode', n.last_error_code, 'error', n.last_error,
               'nextAttemptAt', n.next_attempt_at))
      from new_rows n join old_rows o on o.id = n.id
      where o.state = 'sending' and n.state <> 'sending';
      return null;
    end;
    $$`.execute(db);
  await sql`create trigger publications_audit_outcomes after update on publications
    referencing old table as old_rows new table as new_rows
    for each statement execute function publications_audit_outcomes()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger publications_audit_outcomes on publications`.execute(db);
  await sql`drop function publications_audit_outcomes()`.execute(db);
  await sql`alter table users drop column oidc_subject`.execute(db);
  await sql`alter table publications drop column sent_text, drop column sent_link`.execute(db);
}
