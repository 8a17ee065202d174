import { sql, type Kysely } from 'kysely';

/**
 * Packages follow the project-scope rule of pipelines and templates (store/visibility.ts): a
 * package uploaded with a project-scoped token lives in that project (`home`), and a template
 * can only be built on a package of its own project. Packages uploaded before this migration
 * have no project, as every row made with an unscoped token.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table packages add column home text`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
