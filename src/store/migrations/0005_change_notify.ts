import { sql, type Kysely } from 'kysely';

/** Tables whose rows the read cache keeps (src/store/cached-reads.ts). */
const WATCHED = ['pipelines', 'pipeline_versions', 'pipeline_templates'];

/**
 * Every committed update or delete of a row the read cache may hold is announced on channel
 * `sluice_changes` as `<schema> <table> <id>`, whoever made it: a route, the engine, another
 * replica, psql. Triggers rather than application code so that no writer can forget. Inserts
 * are not announced: the cache never holds a row that does not exist yet. NOTIFY is delivered
 * only on commit and folds duplicates within a transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`
    create function sluice_notify_change() returns trigger language plpgsql as $$
    begin
      if tg_level = 'ROW' then
        perform pg_notify('sluice_changes', tg_table_schema || ' ' || tg_table_name || ' ' || old.id::text);
      else
        perform pg_notify('sluice_changes', tg_table_schema || ' ' || tg_table_name || ' *');
      end if;
      return null;
    end
    $$`).execute(db);
  for (const table of WATCHED) {
    await sql.raw(`create trigger ${table}_notify_change after update or delete on ${table}
      for each row execute function sluice_notify_change()`).execute(db);
    await sql.raw(`create trigger ${table}_notify_truncate after truncate on ${table}
      for each statement execute function sluice_notify_change()`).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
