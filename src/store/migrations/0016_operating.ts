import { sql, type Kysely } from 'kysely';

/**
 * Issue 15 (README: "Metrics", "Freshness deadlines").
 *
 * Versions by state, maintained instead of counted at each scrape. `select state, count(*) from
 * pipeline_versions group by state` reads every (wide) version row: 20 ms on PostgreSQL with
 * 10 000 versions on this 2-core machine, most of the 20 ms scrape budget. A trigger appends
 * each change of a version's state to `version_state_deltas` (+1 for the new state, −1 for the
 * old); the garbage collector folds the deltas into `version_state_counts`; a scrape sums both,
 * a handful of rows. Append-only deltas rather than one counter row per state: a counter row
 * would be a lock every state change waits for (and two transactions changing states in
 * opposite orders would deadlock on it); inserts take no lock on each other.
 *
 * Freshness watches: for each scheduled version whose scheduler configuration declares an output
 * freshness deadline, the last output catalog version seen, since when, and whether the
 * deadline is missed right now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create table version_state_counts (
       state text primary key,
       versions bigint not null
     )`,
    `create table version_state_deltas (
       state text not null,
       delta int not null
     )`,
    `create function sluice_count_version_states() returns trigger language plpgsql as $$
     begin
       if tg_op = 'TRUNCATE' then
         delete from version_state_deltas;
         delete from version_state_counts;
         return null;
       end if;
       if tg_op in ('UPDATE', 'DELETE') then
         insert into version_state_deltas (state, delta) values (old.state, -1);
       end if;
       if tg_op in ('UPDATE', 'INSERT') then
         insert into version_state_deltas (state, delta) values (new.state, 1);
       end if;
       return null;
     end
     $$`,
    `create trigger pipeline_versions_count_insert after insert or delete on pipeline_versions
       for each row execute function sluice_count_version_states()`,
    // Only updates that change the state: most updates of a version touch other columns.
    `create trigger pipeline_versions_count_update after update of state on pipeline_versions
       for each row when (old.state is distinct from new.state) execute function sluice_count_version_states()`,
    `create trigger pipeline_versions_count_truncate after truncate on pipeline_versions
       for each statement execute function sluice_count_version_states()`,
    // Creating the triggers locked out writers until this transaction commits: the count is exact.
    `insert into version_state_counts (state, versions) select state, count(*) from pipeline_versions group by state`,
    `create table freshness_watches (
       version_id uuid primary key references pipeline_versions (id) on delete cascade,
       realm text not null,
       catalog_hrn text not null,
       seen_version bigint not null,
       fresh_since timestamptz not null,
       missed_at timestamptz
     )`,
    `create index freshness_watches_missed on freshness_watches (version_id) where missed_at is not null`,
    // The watcher's candidates, without reading every version each look.
    `create index pipeline_versions_freshness on pipeline_versions (id)
       where run_mode = 'scheduled' and scheduler_configuration->'freshnessOptions' is not null`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
