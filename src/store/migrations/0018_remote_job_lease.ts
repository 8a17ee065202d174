import { sql, type Kysely } from 'kysely';

/**
 * A job on a remote runtime (a Spark cluster) is not tied to the replica that launched it: its
 * state is the cluster's, so any replica can look after it. `owner_lease_until` is how long its
 * owner's claim holds: the owner renews it on every pass, and once it has run out (the owner died)
 * another replica takes the job over. Local JVM jobs never get a lease: their process is on their
 * owner's machine.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs add column owner_lease_until timestamptz`.execute(db);
  await sql`create index jobs_remote_leases on jobs (owner_lease_until) where owner_lease_until is not null and state in ('starting', 'running')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
