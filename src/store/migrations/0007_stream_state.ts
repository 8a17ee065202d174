import { sql, type Kysely } from 'kysely';

/**
 * Stream state (behaviour notes §5): snapshots taken on pause and upgrade, and what a stream
 * job needs to be restarted from its checkpoints or to pick up a changed logging configuration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create table snapshots (
       id uuid primary key,
       realm text not null,
       pipeline_id uuid not null,
       version_id uuid not null references pipeline_versions (id) on delete cascade,
       template_id uuid not null,
       job_id uuid not null,
       reason text not null,
       location text not null,
       created timestamptz not null
     )`,
    `create index snapshots_pipeline on snapshots (pipeline_id, created desc)`,
    `create index snapshots_created on snapshots (created)`,
    // The snapshot a paused stream version resumes from; kept from garbage collection while set.
    `alter table pipeline_versions add column resume_snapshot uuid`,
    // Each start of the job's process (a restart from a checkpoint starts the same job again).
    `alter table jobs add column attempt integer not null default 0`,
    // Where the current attempt restores its state from (a snapshot or checkpoint folder), and why.
    `alter table jobs add column restore_location text`,
    `alter table jobs add column restore_source text`,
    // The newest complete checkpoint the job wrote, as last observed.
    `alter table jobs add column latest_checkpoint text`,
    // The logging configuration last written into the job's folder (JSON), to notice changes.
    `alter table jobs add column logging_applied text`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
