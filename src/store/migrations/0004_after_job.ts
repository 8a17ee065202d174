import { sql, type Kysely } from 'kysely';

/**
 * What a scheduled batch version does once its running job ends, when an operation asked for
 * more than "back to scheduled": deactivate (→ ready) or upgrade (→ ready, and the target is
 * scheduled). The job is not stopped for either (behaviour notes §2).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`alter table pipeline_versions add column after_job text`).execute(db);
  await sql.raw(`alter table pipeline_versions add column upgrade_target uuid`).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
