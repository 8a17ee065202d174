import { sql } from 'kysely';
import type { StoreCounts } from '../telemetry/metrics.js';
import type { Db } from './database.js';

/**
 * The store-side gauges of a scrape, in one statement. Each part reads a bounded set: versions
 * by state (one pass over pipeline_versions: 10 000 rows took ~2 ms on PostgreSQL), live jobs
 * through the partial index `jobs_live`, operations in flight through `operations_pending`,
 * webhook deliveries not delivered through `webhook_deliveries_open`. Ended jobs and delivered
 * deliveries, which grow without end, are never counted here.
 */
export async function readStoreCounts(db: Db): Promise<StoreCounts> {
  const { rows } = await sql<{ part: string; state: string; runtime: string | null; count: number }>`
    select 'versions' as part, state, null as runtime, count(*)::int as count from pipeline_versions group by state
    union all
    select 'jobs', state, runtime, count(*)::int from jobs where state in ('starting', 'running') group by state, runtime
    union all
    select 'operations', state, null, count(*)::int from operations where state in ('accepted', 'being_processed') group by state
    union all
    select 'deliveries', state, null, count(*)::int from webhook_deliveries where state in ('pending', 'delivering', 'dead') group by state`.execute(db);
  const counts: StoreCounts = { versionsByState: [], liveJobs: [], operationsInFlight: [], webhookDeliveries: [] };
  for (const row of rows) {
    if (row.part === 'versions') counts.versionsByState.push({ state: row.state, count: row.count });
    else if (row.part === 'jobs') counts.liveJobs.push({ state: row.state, runtime: row.runtime ?? 'unknown', count: row.count });
    else if (row.part === 'operations') counts.operationsInFlight.push({ state: row.state, count: row.count });
    else counts.webhookDeliveries.push({ state: row.state, count: row.count });
  }
  return counts;
}
