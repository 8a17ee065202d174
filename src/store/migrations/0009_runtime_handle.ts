import { sql, type Kysely } from 'kysely';

/**
 * A job's runtime state becomes one opaque JSON `handle` that only its runtime (`jobs.runtime`)
 * reads: what were the local JVM's columns (pid, process start time, work folder) move into it,
 * so a Flink or Spark job needs no columns of its own. A job not launched yet has no handle.
 * Checkpoint locations are the runtime's URIs, never taken apart: the name messages show
 * (`chk-42`) is recorded beside the location; for rows from before, it is the last path part.
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
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
