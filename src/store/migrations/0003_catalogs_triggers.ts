import { sql, type Kysely } from 'kysely';

/** Scheduled batch: the local catalog registry, the trigger decision log, the resolver's baseline. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create table catalog_versions (
       realm text not null,
       catalog_hrn text not null,
       version bigint not null,
       published timestamptz not null,
       published_by text not null,
       primary key (realm, catalog_hrn, version)
     )`,
    `create table trigger_decisions (
       seq bigserial primary key,
       version_id uuid not null references pipeline_versions (id) on delete cascade,
       at timestamptz not null,
       trigger text not null,
       observed jsonb not null,
       decision text not null,
       reason text not null,
       job_id uuid
     )`,
    `create index trigger_decisions_version on trigger_decisions (version_id, seq)`,
    // Input versions a completed job leaves as the resolver's baseline (behaviour notes §3).
    `alter table jobs add column resolver_baseline jsonb`,
    // The last cron tick taken, so a restart runs a missed tick once, not once per missed tick.
    `alter table pipeline_versions add column last_cron_tick timestamptz`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
