import { sql } from 'kysely';
import type { StoredEvent } from '../domain/events.js';
import type { Db } from './database.js';
import type { WebhookAttemptRow, WebhookDeliveryRow } from './schema.js';

/** A claimed delivery with what sending it needs: the event and where it goes, signed with what. */
export interface ClaimedDelivery {
  id: string;
  subscriptionId: string;
  attempt: number;
  created: Date;
  realm: string;
  url: string;
  secret: string;
  event: StoredEvent;
}

export interface ClaimRequest {
  replica: string;
  now: Date;
  leaseUntil: Date;
  limit: number;
  /** Subscriptions that already have as many deliveries in flight here as they may. */
  full: string[];
}

/**
 * Claims deliveries that are due, one statement, `for update skip locked` (the graphile-worker
 * way): replicas never claim the same row. A delivery is due when it is pending and its time has
 * come, or it was being delivered by a replica whose lease ran out (killed mid-delivery); and only
 * when no earlier delivery of the same subscription and version is still pending or in flight,
 * which is what keeps each version's events in order at its receiver. The attempt is counted here,
 * so one cut short by a crash still counts towards the log.
 */
export async function claimDeliveries(db: Db, request: ClaimRequest): Promise<ClaimedDelivery[]> {
  const { replica, now, leaseUntil, limit, full } = request;
  const notFull = full.length > 0 ? sql`and c.subscription_id not in (${sql.join(full.map((id) => sql`${id}::uuid`))})` : sql``;
  const { rows: claimed } = await sql<{ id: string }>`
    update webhook_deliveries d
    set state = 'delivering', claimed_by = ${replica}, lease_until = ${leaseUntil}, attempts = d.attempts + 1
    where d.id in (
      select c.id from webhook_deliveries c
      where ((c.state = 'pending' and c.next_attempt <= ${now}) or (c.state = 'delivering' and c.lease_until < ${now}))
        ${notFull}
        and not exists (
          select 1 from webhook_deliveries p
          where p.subscription_id = c.subscription_id and p.ordering_key = c.ordering_key
            and p.event_seq < c.event_seq and p.state in ('pending', 'delivering'))
      order by c.event_seq
      limit ${limit}
      for update skip locked)
    returning d.id`.execute(db);
  if (claimed.length === 0) return [];
  const rows = await db.selectFrom('webhookDeliveries as d')
    .innerJoin('webhookSubscriptions as s', 's.id', 'd.subscriptionId')
    .innerJoin('events as e', 'e.seq', 'd.eventSeq')
    .select(['d.id', 'd.subscriptionId', 'd.attempts', 'd.created', 's.realm', 's.url', 's.secret',
      'e.seq', 'e.id as eventId', 'e.type', 'e.source', 'e.subject', 'e.time', 'e.versionId', 'e.data'])
    .where('d.id', 'in', claimed.map((c) => c.id))
    .orderBy('e.seq')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    subscriptionId: r.subscriptionId,
    attempt: r.attempts,
    created: r.created,
    realm: r.realm,
    url: r.url,
    secret: r.secret,
    event: { seq: r.seq, id: r.eventId, type: r.type, source: r.source, subject: r.subject, time: r.time, versionId: r.versionId, data: r.data },
  }));
}

/** Hands claimed deliveries back untried (more than a subscription may have in flight here). */
export async function releaseDeliveries(db: Db, replica: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('webhookDeliveries')
    .set((eb) => ({ state: 'pending', claimedBy: null, leaseUntil: null, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', ids).where('claimedBy', '=', replica).where('state', '=', 'delivering')
    .execute();
}

/** After a restart: this replica's claims died with the process; they are due again at once. */
export async function releaseOwnClaims(db: Db, replica: string, now: Date): Promise<void> {
  await db.updateTable('webhookDeliveries')
    .set({ state: 'pending', claimedBy: null, leaseUntil: null, nextAttempt: now })
    .where('claimedBy', '=', replica).where('state', '=', 'delivering')
    .execute();
}

export interface AttemptOutcome {
  at: Date;
  durationMs: number;
  status: number | null;
  error: string | null;
  /** delivered; pending again at `nextAttempt`; or dead (given up). */
  state: 'delivered' | 'pending' | 'dead';
  nextAttempt?: Date;
}

/**
 * Records an attempt and moves the delivery on, if this replica still holds it: a claim whose
 * lease ran out meanwhile was taken by another replica, which now decides (at-least-once).
 */
export async function finishAttempt(db: Db, replica: string, delivery: { id: string; attempt: number }, outcome: AttemptOutcome): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const moved = await trx.updateTable('webhookDeliveries')
      .set({
        state: outcome.state,
        claimedBy: null,
        leaseUntil: null,
        lastStatus: outcome.status,
        lastError: outcome.error,
        ...(outcome.nextAttempt ? { nextAttempt: outcome.nextAttempt } : {}),
        ended: outcome.state === 'pending' ? null : outcome.at,
      })
      .where('id', '=', delivery.id).where('claimedBy', '=', replica).where('state', '=', 'delivering')
      .returning('id').executeTakeFirst();
    await trx.insertInto('webhookAttempts').values({
      deliveryId: delivery.id,
      attempt: delivery.attempt,
      at: outcome.at,
      durationMs: Math.round(outcome.durationMs),
      status: outcome.status,
      error: outcome.error,
      replica,
    }).onConflict((c) => c.columns(['deliveryId', 'attempt']).doNothing()).execute();
    return moved !== undefined;
  });
}

/** When the next delivery may be due, so the deliverer can sleep until then (bounded by its poll). */
export async function nextDue(db: Db): Promise<Date | undefined> {
  const row = await db.selectFrom('webhookDeliveries').select((eb) => eb.fn.min('nextAttempt').as('next'))
    .where('state', '=', 'pending').executeTakeFirst();
  return row?.next ? new Date(row.next as Date) : undefined;
}

export type DeliveryWithEvent = WebhookDeliveryRow & { eventId: string; eventType: string };

/** A subscription's delivery log, newest event first, optionally of one state, before a cursor (event sequence). */
export async function listDeliveries(
  db: Db, subscriptionId: string, options: { state?: string; before?: number; limit: number },
): Promise<DeliveryWithEvent[]> {
  let query = db.selectFrom('webhookDeliveries as d')
    .innerJoin('events as e', 'e.seq', 'd.eventSeq')
    .selectAll('d')
    .select(['e.id as eventId', 'e.type as eventType'])
    .where('d.subscriptionId', '=', subscriptionId)
    .orderBy('d.eventSeq', 'desc')
    .limit(options.limit);
  if (options.state) query = query.where('d.state', '=', options.state);
  if (options.before !== undefined) query = query.where('d.eventSeq', '<', options.before);
  return query.execute();
}

export async function findDelivery(db: Db, subscriptionId: string, id: string): Promise<{ delivery: DeliveryWithEvent; attempts: WebhookAttemptRow[] } | undefined> {
  const delivery = await db.selectFrom('webhookDeliveries as d')
    .innerJoin('events as e', 'e.seq', 'd.eventSeq')
    .selectAll('d')
    .select(['e.id as eventId', 'e.type as eventType'])
    .where('d.subscriptionId', '=', subscriptionId).where('d.id', '=', id)
    .executeTakeFirst();
  if (!delivery) return undefined;
  const attempts = await db.selectFrom('webhookAttempts').selectAll().where('deliveryId', '=', id).orderBy('attempt').execute();
  return { delivery, attempts };
}

/** A dead delivery goes back to pending, due now, with a new retry window; false if it was not dead. */
export async function redeliver(db: Db, subscriptionId: string, id: string, now: Date): Promise<boolean> {
  const row = await db.updateTable('webhookDeliveries')
    .set({ state: 'pending', nextAttempt: now, created: now, ended: null })
    .where('subscriptionId', '=', subscriptionId).where('id', '=', id).where('state', '=', 'dead')
    .returning('id').executeTakeFirst();
  return row !== undefined;
}
