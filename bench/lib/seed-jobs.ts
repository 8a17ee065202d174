/**
 * Bench-only: many versions and jobs for the /metrics scrape. Clones one version made over the
 * API into `versions` versions of the same pipeline and adds `jobs` jobs spread over them (a
 * tenth running, owned by a replica that does not exist, so no engine touches them), with SQL,
 * while the server is stopped (PGlite is one process's database).
 */
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/store/database.js';

export async function seedVersionsAndJobs(storeEnv: Record<string, string>, versionId: string, versions: number, jobs: number): Promise<void> {
  const database = await openDatabase(loadConfig({ ...storeEnv }));
  try {
    await database.db.transaction().execute(async (trx) => {
      await sql`insert into pipeline_versions
        select (jsonb_populate_record(v, jsonb_build_object('id', gen_random_uuid(), 'name', v.name || ' #' || i, 'version_number', v.version_number + i))).*
        from pipeline_versions v cross join generate_series(1, ${versions - 1}::int) i
        where v.id = ${versionId}::uuid`.execute(trx);
      await sql`insert into jobs (id, realm, pipeline_id, version_id, operation_id, state, execution_mode, high_availability,
          runtime, owner, created, updated, ended)
        select gen_random_uuid(), v.realm, v.pipeline_id, v.id, gen_random_uuid(),
          case when n % 10 = 0 then 'running' when n % 10 = 1 then 'failed' else 'completed' end,
          'on-demand', false, 'local-jvm', 'bench-elsewhere', now(), now(), case when n % 10 = 0 then null else now() end
        from (select id, realm, pipeline_id, row_number() over (order by id) as n from pipeline_versions) v
        where v.n <= ${jobs}`.execute(trx);
    });
    const { rows } = await sql<{ v: number; j: number }>`select (select count(*)::int from pipeline_versions) as v, (select count(*)::int from jobs) as j`.execute(database.db);
    if (rows[0].v < versions || rows[0].j < jobs) throw new Error(`seeding left ${rows[0].v} versions and ${rows[0].j} jobs`);
  } finally {
    await database.close();
  }
}
