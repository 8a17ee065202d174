import { sql } from 'kysely';
import type { StoreCounts } from '../telemetry/metrics.js';
import type { Db } from './database.js';

/**
 * The store-side gauges of a scrape: the version counts folded first (below), then one
 * statement. Each part reads a bounded set: versions by state from the maintained counts of
 * migration 0016 (one row per state, plus the deltas appended since the fold), live jobs through
 * the partial index `jobs_live`, operations in flight through `operations_pending`, webhook
 * deliveries not delivered through `webhook_deliveries_open`, missed freshness deadlines through
 * `freshness_watches_missed`. Ended jobs and delivered deliveries, which grow without end, are
 * never counted here.
 *
 * Counting versions with `group by state` over pipeline_versions took 20 ms of the 20 ms budget
 * with 10 000 versions (PostgreSQL, 2 busy cores); the counts make it independent of their number.
 */
export async function readStoreCounts(db: Db): Promise<StoreCounts> {
  await foldVersionStateDeltas(db);
  const { rows } = await sql<{ part: string; state: string; runtime: string | null; count: number }>`
    select 'versions' as part, state, null as runtime, sum(n)::int as count from (
      select state, versions as n from version_state_counts
      union all
      select state, delta from version_state_deltas) v
    group by state having sum(n) <> 0
    union all
    select 'jobs', state, runtime, count(*)::int from jobs where state in ('starting', 'running') group by state, runtime
    union all
    select 'operations', state, null, count(*)::int from operations where state in ('accepted', 'being_processed') group by state
    union all
    select 'deliveries', state, null, count(*)::int from webhook_deliveries where state in ('pending', 'delivering', 'dead') group by state
    union all
    select 'freshness', 'missed', null, count(*)::int from freshness_watches where missed_at is not null`.execute(db);
  const counts: StoreCounts = { versionsByState: [], liveJobs: [], operationsInFlight: [], webhookDeliveries: [], freshnessMissed: 0 };
  for (const row of rows) {
    if (row.part === 'versions') counts.versionsByState.push({ state: row.state, count: row.count });
    else if (row.part === 'jobs') counts.liveJobs.push({ state: row.state, runtime: row.runtime ?? 'unknown', count: row.count });
    else if (row.part === 'operations') counts.operationsInFlight.push({ state: row.state, count: row.count });
    else if (row.part === 'deliveries') counts.webhookDeliveries.push({ state: row.state, count: row.count });
    else counts.freshnessMissed = row.count;
  }
  return counts;
}

/**
 * Moves the appended state changes of versions into the one-row-per-state counts, in one
 * statement: rows another fold deleted first are skipped by this one's delete (it waits for
 * them, then finds them gone), and the counts are updated in state order, so two folds at once
 * (two replicas scraped together) neither double-count nor deadlock. Run at each scrape and by
 * the garbage collector (which keeps the deltas bounded when nobody scrapes).
 */
export async function foldVersionStateDeltas(db: Db): Promise<void> {
  await sql`
    with moved as (delete from version_state_deltas returning state, delta)
    insert into version_state_counts (state, versions)
    select state, sum(delta) from moved group by state order by state
    on conflict (state) do update set versions = version_state_counts.versions + excluded.versions`.execute(db);
}
