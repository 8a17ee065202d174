import { sql, type Kysely } from 'kysely';

/** The lifecycle: operations (durable, claimed by processors) and jobs (processes the engine supervises). */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // How the version is active: 'stream', 'scheduled' or 'run-now'; null while ready.
    `alter table pipeline_versions add column run_mode text`,
    `create table operations (
       id uuid primary key,
       seq bigserial not null unique,
       realm text not null,
       pipeline_id uuid not null,
       version_id uuid not null references pipeline_versions (id) on delete cascade,
       request_type text not null,
       state text not null,
       message text,
       user_id text not null,
       client_id text,
       run_as_id text,
       options jsonb not null,
       request jsonb not null,
       by_service boolean not null,
       claimed_by text,
       lease_until timestamptz,
       deadline timestamptz,
       created timestamptz not null,
       updated timestamptz not null
     )`,
    `create index operations_version on operations (version_id, seq)`,
    `create index operations_pending on operations (seq) where state in ('accepted', 'being_processed')`,
    // At most one user operation in flight per version: the database itself refuses a second one.
    `create unique index operations_one_pending_per_version on operations (version_id)
       where state in ('accepted', 'being_processed') and not by_service`,
    `create table jobs (
       id uuid primary key,
       seq bigserial not null unique,
       realm text not null,
       pipeline_id uuid not null,
       version_id uuid not null references pipeline_versions (id) on delete cascade,
       operation_id uuid not null unique,
       state text not null,
       message text,
       catalog_versions jsonb,
       run_as_id text,
       execution_mode text not null,
       high_availability boolean not null,
       runtime text not null,
       owner text not null,
       work_dir text not null,
       pid integer,
       process_start text,
       exit_code integer,
       stop_requested text,
       stop_deadline timestamptz,
       start_deadline timestamptz,
       created timestamptz not null,
       updated timestamptz not null,
       ended timestamptz
     )`,
    `create index jobs_version on jobs (version_id, seq)`,
    `create index jobs_live on jobs (owner) where state in ('starting', 'running')`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
