/**
 * Bench-only: many scheduled versions at once. Creating 10 000 versions over HTTP takes minutes,
 * so one real version is made through the API (upload, template, pipeline, version, activate)
 * and this clones its rows with SQL, straight into the store, while the server is stopped
 * (PGlite is one process's database). Each clone gets its own pipeline (one active version per
 * pipeline, as the API allows) and its own input catalog, so the scheduler's queries see as
 * many catalogs as versions.
 */
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/store/database.js';

export interface SeedRequest {
  /** The store's environment (SLUICE_DATA_DIR, DATABASE_URL, SLUICE_DATABASE_SCHEMA). */
  storeEnv: Record<string, string>;
  /** The version to clone: activated, `scheduled`. */
  versionId: string;
  count: number;
  /** Clone i reads `${inputHrnPrefix}${i}` under the source's first input label. */
  inputHrnPrefix: string;
}

export async function cloneScheduledVersion(request: SeedRequest): Promise<void> {
  const database = await openDatabase(loadConfig({ ...request.storeEnv }));
  try {
    await database.db.transaction().execute(async (trx) => {
      await sql`create temp table bench_clone on commit drop as
        select i, gen_random_uuid() as pipeline_id, gen_random_uuid() as version_id from generate_series(1, ${request.count}::int) i`.execute(trx);
      // jsonb_populate_record(row, overrides) copies every column, including any added later.
      await sql`insert into pipelines
        select (jsonb_populate_record(p, jsonb_build_object('id', c.pipeline_id, 'name', p.name || ' #' || c.i))).*
        from pipelines p cross join bench_clone c
        where p.id = (select pipeline_id from pipeline_versions where id = ${request.versionId}::uuid)`.execute(trx);
      await sql`insert into pipeline_versions
        select (jsonb_populate_record(v, jsonb_build_object(
          'id', c.version_id,
          'pipeline_id', c.pipeline_id,
          'name', v.name || ' #' || c.i,
          'input_catalogs', jsonb_build_object((select min(k) from jsonb_object_keys(v.input_catalogs) k), ${request.inputHrnPrefix}::text || c.i)
        ))).*
        from pipeline_versions v cross join bench_clone c
        where v.id = ${request.versionId}::uuid`.execute(trx);
    });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pipeline_versions where run_mode = 'scheduled'`.execute(database.db);
    if (rows[0].n < request.count) throw new Error(`seeding left ${rows[0].n} scheduled versions, expected at least ${request.count}`);
  } finally {
    await database.close();
  }
}
