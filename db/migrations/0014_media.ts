import { sql, type Kysely } from "kysely";

// Issue 15: the media library. One row per distinct file (its SHA-256 after metadata removal):
// the same file uploaded twice is one row and one stored file.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table media_files (
      hash text primary key check (hash ~ '^[0-9a-f]{64}$'),
      kind text not null check (kind in ('image', 'video')),
      format text not null check (format in ('jpeg', 'png', 'gif', 'webp', 'mp4', 'mov')),
      bytes bigint not null check (bytes > 0),
      width integer check (width > 0),
      height integer check (height > 0),
      duration_ms integer check (duration_ms >= 0),
      codec text,
      original_name text not null check (length(original_name) between 1 and 200),
      uploaded_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      -- Since when no item uses it (purged 30 days later); null while used.
      unused_since timestamptz
    )`.execute(db);
  await sql`create index media_files_unused_idx on media_files (unused_since) where unused_since is not null`.execute(db);
  // Each language version's visuals, in order: [{hash, kind, alt, sameInBothLanguages, containsText}].
  // Kept on the version like its text, so the version's hash, its lock and its history cover them.
  await sql`alter table variants add column visuals jsonb not null default '[]' check (jsonb_typeof(visuals) = 'array' and jsonb_array_length(visuals) <= 4)`.execute(db);
  // The network's id of each visual a publication uploaded, stored before the post call and reused
  // on a retry while the network keeps it: {"<hash>": {"id": "…", "at": "…"}}.
  await sql`alter table publications add column media_ids jsonb not null default '{}'`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table publications drop column media_ids`.execute(db);
  await sql`alter table variants drop column visuals`.execute(db);
  await sql`drop table media_files`.execute(db);
}
