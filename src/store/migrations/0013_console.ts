import { sql, type Kysely } from 'kysely';

/**
 * For the console's lists (README: "Console").
 *
 * A pipeline's list of versions is cached (store/cached-version-lists.ts) and the triggers of
 * migration 0005 announce only updates and deletes, by the row's own id. A new version changes
 * its pipeline's list, so an insert is announced too, naming the pipeline:
 * `<schema> pipeline_versions_of <pipelineId>` on the same channel. Versions are inserted by
 * users, one at a time: the extra notification costs nothing measurable.
 *
 * The pipelines page shows each pipeline's last job: jobs by pipeline, newest first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create function sluice_notify_version_inserted() returns trigger language plpgsql as $$
     begin
       perform pg_notify('sluice_changes', tg_table_schema || ' pipeline_versions_of ' || new.pipeline_id::text);
       return null;
     end
     $$`,
    `create trigger pipeline_versions_notify_insert after insert on pipeline_versions
       for each row execute function sluice_notify_version_inserted()`,
    `create index jobs_pipeline on jobs (pipeline_id, seq)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
