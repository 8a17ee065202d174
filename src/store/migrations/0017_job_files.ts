import { sql, type Kysely } from 'kysely';

/**
 * The files a job on a remote runtime (Flink) fetches from Sluice while it starts: its
 * pipeline-config.conf, pipeline-job.conf and application.properties, behind a random token
 * (only its SHA-256 is kept) that expires within minutes. In the database rather than in the
 * launching replica's memory, because the cluster reaches Sluice through whatever address it
 * was given, which may be any replica.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create table job_files (
      token_hash text primary key,
      job_id text not null,
      files jsonb not null,
      expires timestamptz not null
    )`,
    `create index job_files_job on job_files (job_id)`,
    `create index job_files_expires on job_files (expires)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
