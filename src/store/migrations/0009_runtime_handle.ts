import { sql, type Kysely } from 'kysely';

/**
 * A job's runtime state becomes one opaque JSON `handle` that only its runtime (`jobs.runtime`)
 * reads: what were the local JVM's columns (pid, process start time, work folder) move into it,
 * so a Flink or Spark job needs no columns of its own. A job not launched yet has no handle.
 * Checkpoint locations are the runtime's URIs, never taken apart: the name messages show
 * (`chk-42`) is recorded beside the location; for rows from before, it is the last path part.
 * Every existing job is a local JVM job: none gets a lease.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `alter table jobs add column handle jsonb`,
    `update jobs set handle = jsonb_build_object('pid', pid, 'processStart', process_start, 'workDir', work_dir) where pid is not null`,
    `alter table jobs drop column pid`,
    `alter table jobs drop column process_start`,
    `alter table jobs drop column work_dir`,
    `alter table jobs add column latest_checkpoint_name text`,
    `update jobs set latest_checkpoint_name = regexp_replace(latest_checkpoint, '^.*/', '') where latest_checkpoint is not null`,
    // Ownership follows the runtime: a job on a remote runtime is held by a replica for a lease
    // (taken over by another once it runs out); a local job has none and stays with its replica.
    `alter table jobs add column lease_until timestamptz`,
    `create index jobs_live_leases on jobs (lease_until) where lease_until is not null and state in ('starting', 'running')`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
