import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../../src/store/database.js';
import { readStoreCounts } from '../../src/store/metric-counts.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import { Signals } from '../../src/telemetry/signals.js';
import { STORES } from '../helpers/server.js';
import { insertStreamVersion, migratedStore } from '../helpers/store-rows.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const END_STATES = ['completed', 'failed', 'canceled'] as const;

/** Series in an exposition, the process's own (process_, nodejs_) left out: they do not depend on jobs. */
async function series(metrics: Metrics): Promise<string[]> {
  const { text } = await metrics.exposition();
  return text.split('\n').filter((line) => line && !line.startsWith('#') && !/^(process|nodejs)_/.test(line)).map((line) => line.slice(0, line.lastIndexOf(' ')));
}

/**
 * Cardinality over 500 jobs, driven at the store and signal level (500 real JVMs would take this
 * 2-core machine minutes): the job rows are real rows the scrape counts, and every signal a job's
 * life emits is emitted per job. The series after 24 jobs and after 500 must be the same set.
 */
for (const kind of STORES) {
  describe(`metric cardinality over 500 jobs [${kind}]`, () => {
    let opened: Awaited<ReturnType<typeof migratedStore>> | undefined;
    let database: Database;
    let versionIds: string[];

    before(async () => {
      opened = await migratedStore(kind, 'metric cardinality');
      database = opened.database;
      versionIds = [];
      for (let i = 0; i < 5; i++) versionIds.push((await insertStreamVersion(database.db, NOW)).versionId);
    });
    after(async () => {
      await opened?.dispose();
    });

    async function runJobs(signals: Signals, from: number, to: number): Promise<void> {
      await sql`insert into jobs (id, realm, pipeline_id, version_id, operation_id, state, execution_mode, high_availability, runtime, owner, created, updated, ended)
        select gen_random_uuid(), v.realm, v.pipeline_id, v.id, gen_random_uuid(),
          case when n % 4 = 0 then 'running' when n % 4 = 1 then 'starting' when n % 4 = 2 then 'failed' else 'completed' end,
          'on-demand', false, 'local-jvm', 'replica-' || (n % 7), ${NOW}, ${NOW}, case when n % 4 < 2 then null else ${NOW}::timestamptz end
        from generate_series(${from}::int, ${to - 1}::int) n
        join pipeline_versions v on v.id = (array[${sql.join(versionIds.map((id) => sql`${id}::uuid`))}])[1 + n % 5]`.execute(database.db);
      for (let n = from; n < to; n++) {
        signals.emit('operation.ended', { requestType: ['activate', 'pause', 'resume', 'cancel'][n % 4], outcome: Math.floor(n / 4) % 2 === 0 ? 'failed' : 'succeeded', durationMs: n });
        signals.emit('job.running', { runtime: 'local-jvm', launchLatencyMs: n * 3 });
        signals.emit('job.ended', { state: END_STATES[n % 3], runtime: 'local-jvm', durationMs: n * 1000 });
        if (n % 5 === 0) signals.emit('job.restarted', { runtime: 'local-jvm' });
        if (n % 6 === 0) signals.emit('snapshot.taken', { reason: n % 12 === 0 ? 'pause' : 'upgrade', durationMs: 5 });
        signals.emit('events.appended', { types: ['sluice.job.started', n % 2 ? 'sluice.job.completed' : 'sluice.job.failed'], deliveries: 0 });
      }
    }

    it('has the same series after 500 jobs as after 24 (every label value seen once)', async () => {
      const signals = new Signals();
      const metrics = new Metrics({ signals, storeCounts: () => readStoreCounts(database.db) });
      await runJobs(signals, 0, 24);
      const early = await series(metrics);
      await runJobs(signals, 24, 500);
      const late = await series(metrics);
      assert.deepEqual(late, early);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from jobs`.execute(database.db);
      assert.equal(rows[0].n, 500);
      // The live-jobs gauge: one series per state and runtime, not per job or replica.
      assert.deepEqual(late.filter((s) => s.startsWith('sluice_live_jobs')).sort(), [
        'sluice_live_jobs{state="running",runtime="local-jvm"}', 'sluice_live_jobs{state="starting",runtime="local-jvm"}',
      ]);
    });
  });
}
