import { sql, type SqlBool } from 'kysely';
import type { Db } from './database.js';
import { operationEvent } from './event-records.js';
import { appendEvents } from './events.js';
import type { OperationRow } from './schema.js';

export interface NewOperation {
  id: string;
  realm: string;
  pipelineId: string;
  versionId: string;
  requestType: string;
  userId: string;
  clientId?: string;
  runAsId?: string;
  options: { highAvailability?: boolean };
  request: Record<string, unknown>;
  deadline: Date;
  created: Date;
}

/** What a user operation request is checked against, read with the pipeline locked. */
export interface PipelineActivity {
  versions: { id: string; state: string; runMode: string | null }[];
  pendingVersionIds: string[];
}

const PENDING = ['accepted', 'being_processed'];
const LIVE = ['starting', 'running'];

/**
 * Accepts a user operation: with the pipeline row locked, `check` sees every version's state
 * and which versions have an operation in flight, and throws to refuse; otherwise the operation
 * is stored `accepted`. Concurrent requests on one pipeline are so taken one at a time, which is
 * what makes "one pending operation per version" and "one active version per pipeline" hold.
 */
export async function acceptUserOperation(
  db: Db,
  operation: NewOperation,
  check: (activity: PipelineActivity) => void,
): Promise<OperationRow> {
  return db.transaction().execute(async (trx) => {
    // The lock first, the reads after it: read in the locking statement, they would come from a
    // snapshot taken before the lock was granted and miss what the previous holder committed.
    const pipeline = await trx.selectFrom('pipelines').select(['id', 'home']).where('id', '=', operation.pipelineId).forUpdate().executeTakeFirst();
    const rows = await trx
      .selectFrom('pipelineVersions as v')
      .select((eb) => ['v.id', 'v.state', 'v.runMode', eb.exists(eb
        .selectFrom('operations as o')
        .select('o.id')
        .whereRef('o.versionId', '=', 'v.id')
        .where('o.state', 'in', PENDING)).as('pending')])
      .where('v.pipelineId', '=', operation.pipelineId)
      .execute();
    const versions = rows.map(({ id, state, runMode }) => ({ id, state, runMode }));
    check({ versions, pendingVersionIds: rows.filter((r) => Boolean(r.pending)).map((r) => r.id) });
    const row = await trx
      .insertInto('operations')
      .values({
        ...operation,
        state: 'accepted',
        message: null,
        clientId: operation.clientId ?? null,
        runAsId: operation.runAsId ?? null,
        options: JSON.stringify(operation.options),
        request: JSON.stringify(operation.request),
        byService: false,
        claimedBy: null,
        leaseUntil: null,
        updated: operation.created,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [operationEvent('sluice.operation.accepted', row, pipeline?.home ?? null)], operation.created);
    return row;
  });
}

/** Newest first: the version's whole history, service-made operations included. */
export async function listOperations(db: Db, versionId: string): Promise<OperationRow[]> {
  return db.selectFrom('operations').selectAll().where('versionId', '=', versionId).orderBy('seq', 'desc').execute();
}

export async function findOperation(db: Db, versionId: string, operationId: string): Promise<OperationRow | undefined> {
  return db
    .selectFrom('operations')
    .selectAll()
    .where('id', '=', operationId)
    .where('versionId', '=', versionId)
    .executeTakeFirst();
}

export async function latestOperations(db: Db, versionIds: string[]): Promise<Map<string, OperationRow>> {
  const latest = new Map<string, OperationRow>();
  if (versionIds.length === 0) return latest;
  const rows = await db
    .selectFrom('operations')
    .selectAll()
    .where('versionId', 'in', versionIds)
    .where('seq', 'in', (eb) => eb.selectFrom('operations').select((e) => e.fn.max('seq').as('seq')).where('versionId', 'in', versionIds).groupBy('versionId'))
    .execute();
  for (const row of rows) latest.set(row.versionId, row);
  return latest;
}

/**
 * Who may act on a live job (README: "Replicas"). Ownership follows the runtime: a local JVM job
 * runs on its owner's machine, so only the owner can signal it or read its folder, for as long
 * as the job lives (`lease_until` is null); a job on a remote runtime (Flink, Spark) can be
 * reached from any replica, so its owner holds it for a lease it renews, and once that runs out
 * (the owner died) any replica may take the job over, with its pending operations. This is the
 * one place the rule is written: the claim below and `takeOverJobs` both use it.
 */
const heldByAnother = (replica: string, now: Date) => sql<SqlBool>`j.owner <> ${replica} and (j.lease_until is null or j.lease_until >= ${now})`;

/**
 * Claims up to `limit` operations for this replica: accepted ones, and ones whose claimer's
 * lease ran out (a replica that died), except on a version whose live job another replica holds
 * (that replica takes the operation on its next pass). One statement, `for update skip locked`,
 * so replicas never claim the same operation (the graphile-worker way).
 */
export async function claimOperations(db: Db, replica: string, now: Date, leaseMs: number, limit: number): Promise<OperationRow[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  return db
    .updateTable('operations')
    .set({ state: 'being_processed', claimedBy: replica, leaseUntil, updated: now })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('operations')
        .select('id')
        .where((w) => w.or([
          w('state', '=', 'accepted'),
          w.and([w('state', '=', 'being_processed'), w('leaseUntil', '<', now)]),
        ]))
        .where(({ not, exists, selectFrom }) => not(exists(
          selectFrom('jobs as j')
            .select('j.id')
            .whereRef('j.versionId', '=', 'operations.versionId')
            .where('j.state', 'in', LIVE)
            .where(heldByAnother(replica, now)),
        )))
        .orderBy('seq')
        .limit(limit)
        .forUpdate()
        .skipLocked())
    .returningAll()
    .execute();
}

/**
 * Takes over the live remote-runtime jobs whose holder's lease ran out (their holder died) and
 * renews the leases of those this replica holds; returns the ids taken over. Local jobs (no
 * lease) never move.
 */
export async function takeOverJobs(db: Db, replica: string, now: Date, leaseMs: number): Promise<string[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const taken = await db
    .updateTable('jobs as j')
    .set({ owner: replica, leaseUntil })
    .where('j.state', 'in', LIVE)
    .where('j.leaseUntil', 'is not', null)
    .where('j.owner', '<>', replica)
    .where(sql<SqlBool>`not (${heldByAnother(replica, now)})`)
    .returning('j.id')
    .execute();
  await db
    .updateTable('jobs')
    .set({ leaseUntil })
    .where('state', 'in', LIVE)
    .where('leaseUntil', 'is not', null)
    .where('owner', '=', replica)
    .execute();
  return taken.map((row) => row.id);
}

/** Keeps this replica's claims alive while it works on them. */
export async function renewLeases(db: Db, replica: string, now: Date, leaseMs: number): Promise<void> {
  await db
    .updateTable('operations')
    .set({ leaseUntil: new Date(now.getTime() + leaseMs) })
    .where('state', '=', 'being_processed')
    .where('claimedBy', '=', replica)
    .execute();
}
