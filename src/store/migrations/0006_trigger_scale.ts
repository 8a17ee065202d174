import { sql, type Kysely } from 'kysely';

/**
 * The trigger scheduler at 10 000 versions: the versions it sweeps are found through partial
 * indexes (the predicates must stay word for word those in store/triggers.ts, or the planner
 * will not use them), and a skip that repeats a version's previous decision is counted on that
 * row (`evaluations`, `last_evaluated`) instead of written again, compared by `fingerprint`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `alter table trigger_decisions add column fingerprint text`,
    `alter table trigger_decisions add column evaluations integer not null default 1`,
    `alter table trigger_decisions add column last_evaluated timestamptz`,
    `create index pipeline_versions_resolver on pipeline_versions (realm, id)
       where run_mode = 'scheduled' and scheduler_configuration->>'catalogTriggerOptions' = 'version_resolver'`,
    `create index pipeline_versions_cron on pipeline_versions (next_job_attempt)
       where run_mode = 'scheduled' and scheduler_configuration->'timeTriggerOptions' is not null`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
