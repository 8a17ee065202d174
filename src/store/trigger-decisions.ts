import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { NewEvent } from '../domain/events.js';
import { appendEvents } from './events.js';
import type { Db } from './database.js';
import type { TriggerDecisionRow } from './schema.js';

export interface Decision {
  versionId: string;
  at: Date;
  trigger: string;
  observed: Record<string, unknown>;
  decision: 'started' | 'skipped';
  reason: string;
  jobId?: string;
  fingerprint: string;
}

export interface PreviousDecision {
  seq: number;
  decision: string;
  fingerprint: string | null;
}

/** `(values ($1::uuid), ($2::uuid), …)`: a list of ids to join against (portable to PGlite, unlike array parameters). */
export const idList = (ids: string[]) => sql`(values ${sql.join(ids.map((id) => sql`(${id}::uuid)`))})`;

/** The latest logged decision of each version (one index probe each). */
export async function previousDecisions(db: Db, versionIds: string[]): Promise<Map<string, PreviousDecision>> {
  const previous = new Map<string, PreviousDecision>();
  if (versionIds.length === 0) return previous;
  const { rows } = await sql<PreviousDecision & { versionId: string }>`
    select v.id as version_id, d.seq, d.decision, d.fingerprint
    from ${idList(versionIds)} as v (id)
    cross join lateral (
      select seq, decision, fingerprint from trigger_decisions where version_id = v.id order by seq desc limit 1
    ) d`.execute(db);
  for (const row of rows) previous.set(row.versionId, { seq: Number(row.seq), decision: row.decision, fingerprint: row.fingerprint });
  return previous;
}

/**
 * Writes new decisions and, in the same transaction, their events (`sluice.trigger.run` or
 * `sluice.trigger.skipped`): a decision that only repeats the previous one is counted on its row
 * (`repeatDecisions`) and makes no event, so an idle version polled every minute makes none.
 */
export async function recordDecisions(db: Db, decisions: Decision[]): Promise<void> {
  if (decisions.length === 0) return;
  await db.transaction().execute(async (trx) => {
    const rows = await trx.insertInto('triggerDecisions').values(decisions.map((d) => ({
      versionId: d.versionId,
      at: d.at,
      trigger: d.trigger,
      observed: JSON.stringify(d.observed),
      decision: d.decision,
      reason: d.reason,
      jobId: d.jobId ?? null,
      fingerprint: d.fingerprint,
    }))).returning(['seq', 'versionId']).execute();
    const owners = await trx.selectFrom('pipelineVersions as v')
      .innerJoin('pipelines as p', 'p.id', 'v.pipelineId')
      .select(['v.id', 'v.realm', 'v.pipelineId', 'p.home'])
      .where('v.id', 'in', [...new Set(decisions.map((d) => d.versionId))])
      .execute();
    const ownerOf = new Map(owners.map((o) => [o.id, o]));
    // A batch holds one decision per version (TriggerEvaluator), so the version finds its row.
    const seqOf = new Map(rows.map((row) => [row.versionId, row.seq]));
    const events = decisions.flatMap((d) => {
      const owner = ownerOf.get(d.versionId);
      return owner ? [decisionEvent(d, seqOf.get(d.versionId)!, owner)] : [];
    });
    await appendEvents(trx, events, decisions[0].at);
  });
}

function decisionEvent(d: Decision, seq: number, owner: { realm: string; pipelineId: string; home: string | null }): NewEvent {
  return {
    id: randomUUID(),
    type: d.decision === 'started' ? 'sluice.trigger.run' : 'sluice.trigger.skipped',
    realm: owner.realm,
    home: owner.home,
    pipelineId: owner.pipelineId,
    versionId: d.versionId,
    subject: `trigger-decisions/${seq}`,
    time: d.at,
    data: {
      pipelineId: owner.pipelineId,
      pipelineVersionId: d.versionId,
      trigger: d.trigger,
      decision: d.decision,
      reason: d.reason,
      observed: d.observed,
      ...(d.jobId ? { jobId: d.jobId } : {}),
    },
  };
}

/** Later evaluations that came to the same decision: counted on its row, one statement for all. */
export async function repeatDecisions(db: Db, seqs: number[], at: Date): Promise<void> {
  if (seqs.length === 0) return;
  await db.updateTable('triggerDecisions')
    .set((eb) => ({ evaluations: eb('evaluations', '+', 1), lastEvaluated: at }))
    .where('seq', 'in', seqs)
    .execute();
}

export async function recentDecisions(db: Db, versionId: string, limit: number): Promise<TriggerDecisionRow[]> {
  return db.selectFrom('triggerDecisions').selectAll().where('versionId', '=', versionId).orderBy('seq', 'desc').limit(limit).execute();
}

/** Keeps the decision log of these versions bounded: the newest `keep` rows of each. */
export async function pruneDecisions(db: Db, versionIds: string[], keep: number): Promise<void> {
  if (versionIds.length === 0) return;
  await sql`
    delete from trigger_decisions d
    using ${idList(versionIds)} as v (id)
    where d.version_id = v.id
      and d.seq < (select seq from trigger_decisions where version_id = v.id order by seq desc offset ${keep - 1} limit 1)`.execute(db);
}
