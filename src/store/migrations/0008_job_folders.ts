import { sql, type Kysely } from 'kysely';

/**
 * Job folders are removed once their job has ended longer ago than the retention: the job row
 * stays (it is the history the API shows) and records when its folder went, so the log route can
 * say why there is no log and the collector never looks at it again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `alter table jobs add column folder_removed timestamptz`,
    // The collector's candidates: ended jobs of one owner whose folder is still there, oldest first.
    `create index jobs_folder_retention on jobs (owner, ended) where ended is not null and folder_removed is null`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
