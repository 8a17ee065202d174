import { sql, type Transaction } from 'kysely';
import { sourceOf, type NewEvent, type StoredEvent } from '../domain/events.js';
import type { Owner } from '../domain/owner.js';
import { signals } from '../telemetry/signals.js';
import type { Db } from './database.js';
import type { Tables } from './schema.js';
import { visibleTo } from './visibility.js';

/**
 * Appends events to the log, and queues a webhook delivery of each to every subscription of its
 * realm that asked for its type: call it inside the transaction of the change the events tell
 * of, as its LAST statement, so the events exist exactly when the change does.
 *
 * It takes a transaction-scoped advisory lock first, held until commit: sequence numbers are then
 * handed out in commit order, so a reader that has seen N never later finds a smaller number
 * committed (with plain `bigserial`, a slow transaction holding N-1 commits after N is read, and a
 * reader resuming "after N" skips it forever). Being last, the transaction holds the lock only for
 * these two statements and its commit, and waits on nothing else while holding it: no deadlock.
 */
export async function appendEvents(trx: Transaction<Tables>, events: NewEvent[], at: Date): Promise<void> {
  if (events.length === 0) return;
  await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.sluice_events'))`.execute(trx);
  const rows = await trx.insertInto('events').values(events.map((e) => ({
    id: e.id,
    realm: e.realm,
    home: e.home,
    type: e.type,
    source: sourceOf(e.pipelineId, e.versionId),
    subject: e.subject,
    time: e.time,
    pipelineId: e.pipelineId,
    versionId: e.versionId,
    data: JSON.stringify(e.data),
  }))).returning('seq').execute();
  const seqs = rows.map((row) => row.seq);
  // Under the lock, these are the only new numbers: a range names exactly this append's events.
  const queued = await sql`
    insert into webhook_deliveries (id, subscription_id, event_seq, ordering_key, state, attempts, next_attempt, created)
    select gen_random_uuid(), s.id, e.seq, coalesce(e.version_id::text, ''), 'pending', 0, ${at}, ${at}
    from events e join webhook_subscriptions s on s.realm = e.realm and s.types @> jsonb_build_array(e.type)
    where e.seq between ${Math.min(...seqs)} and ${Math.max(...seqs)}`.execute(trx);
  signals.emit('events.appended', { types: events.map((e) => e.type), deliveries: Number(queued.numAffectedRows ?? 0) });
}

export interface EventPage {
  events: StoredEvent[];
  /** Where the next read resumes: the last event's sequence, or the cursor given when none came. */
  next: number;
}

/** Events the owner may read after `after`, oldest first. */
export async function readEvents(db: Db, owner: Owner, options: { after: number; limit: number; types?: string[] }): Promise<EventPage> {
  let query = db.selectFrom('events')
    .select(['seq', 'id', 'type', 'source', 'subject', 'time', 'versionId', 'data'])
    .where(visibleTo(owner))
    .where('seq', '>', options.after)
    .orderBy('seq')
    .limit(options.limit);
  if (options.types && options.types.length > 0) query = query.where('type', 'in', options.types);
  const rows = await query.execute();
  return { events: rows, next: rows.length > 0 ? rows[rows.length - 1].seq : options.after };
}

/**
 * Deletes up to `limit` events older than `before` (oldest first) with their delivery logs, but
 * never one a webhook delivery still waits to send. Returns how many went.
 */
export async function deleteOldEvents(db: Db, before: Date, limit: number): Promise<number> {
  const result = await sql`
    delete from events where seq in (
      select e.seq from events e
      where e.time < ${before}
        and not exists (select 1 from webhook_deliveries d where d.event_seq = e.seq and d.state in ('pending', 'delivering'))
      order by e.time
      limit ${limit})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
