import { sql } from 'kysely';
import type { Db } from './database.js';

/** SQL for the engine's template check: which templates wait, what they name, how it ended. */
export async function templatesAwaitingCheck(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('pipelineTemplates').select('id').where('state', '=', 'creating').execute();
  return rows.map((r) => r.id);
}

export interface TemplateToCheck {
  entryPointClassName: string;
  /** Class names of the package, or null when the package is missing from the template's realm. */
  packageClassNames: string[] | null;
}

export async function templateToCheck(db: Db, templateId: string): Promise<TemplateToCheck | undefined> {
  const row = await db
    .selectFrom('pipelineTemplates as t')
    // The package must be the template's own: same realm and same project (store/visibility.ts).
    .leftJoin('packages as p', (join) => join.onRef('p.id', '=', 't.packageId').onRef('p.realm', '=', 't.realm')
      .on(sql<boolean>`p.home is not distinct from t.home`))
    .select(['t.entryPointClassName', 'p.classNames'])
    .where('t.id', '=', templateId)
    .where('t.state', '=', 'creating')
    .executeTakeFirst();
  if (!row) return undefined;
  return { entryPointClassName: row.entryPointClassName, packageClassNames: row.classNames ?? null };
}

export async function finishTemplateCheck(
  db: Db,
  templateId: string,
  outcome: { state: 'created' | 'creation_failed'; message: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('pipelineTemplates')
    .set({ state: outcome.state, stateMessage: outcome.message, updated: outcome.at })
    .where('id', '=', templateId)
    .where('state', '=', 'creating')
    .execute();
}
