import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { NewEvent } from '../domain/events.js';
import type { FreshnessJudgement, FreshnessWatch } from '../domain/freshness.js';
import type { Db } from './database.js';
import { appendEvents } from './events.js';

const WATCHED = sql`v.run_mode = 'scheduled' and v.state in ('scheduled', 'running') and v.scheduler_configuration->'freshnessOptions' is not null`;

/** A scheduled version with a freshness deadline, and its watch if it has one yet. */
export interface FreshnessCandidate {
  versionId: string;
  realm: string;
  home: string | null;
  pipelineId: string;
  outputCatalogHrn: string;
  maxAge: string;
  watch?: FreshnessWatch;
}

/**
 * Versions to watch now: scheduled ones (a job of theirs may be running; paused ones are not
 * expected to keep anything fresh) whose scheduler configuration has `freshnessOptions` (through
 * the partial index `pipeline_versions_freshness`), with their watch. Watches of versions that
 * stopped being watched are deleted first: one watched again starts a new watch, fresh from then.
 */
export async function freshnessCandidates(db: Db): Promise<FreshnessCandidate[]> {
  await sql`
    delete from freshness_watches w where not exists (
      select 1 from pipeline_versions v
      where v.id = w.version_id and ${WATCHED})`.execute(db);
  const { rows } = await sql<{
    versionId: string; realm: string; home: string | null; pipelineId: string; outputCatalogHrn: string; maxAge: string;
    seenVersion: number | null; freshSince: Date | null; missedAt: Date | null;
  }>`
    select v.id as version_id, v.realm, p.home, v.pipeline_id, v.output_catalog_hrn,
      v.scheduler_configuration->'freshnessOptions'->>'maxAge' as max_age,
      w.seen_version, w.fresh_since, w.missed_at
    from pipeline_versions v
    join pipelines p on p.id = v.pipeline_id
    left join freshness_watches w on w.version_id = v.id
    where ${WATCHED}`.execute(db);
  return rows.map((r) => ({
    versionId: r.versionId, realm: r.realm, home: r.home, pipelineId: r.pipelineId, outputCatalogHrn: r.outputCatalogHrn, maxAge: r.maxAge,
    ...(r.freshSince ? { watch: { seenVersion: Number(r.seenVersion), freshSince: new Date(r.freshSince), missedAt: r.missedAt ? new Date(r.missedAt) : null } } : {}),
  }));
}

/** Starts watching a version: fresh from `now`, at the output version seen now. Another replica's start wins if first. */
export async function startWatch(db: Db, candidate: FreshnessCandidate, seenVersion: number, now: Date): Promise<void> {
  await db.insertInto('freshnessWatches').values({
    versionId: candidate.versionId, realm: candidate.realm, catalogHrn: candidate.outputCatalogHrn, seenVersion, freshSince: now, missedAt: null,
  }).onConflict((oc) => oc.column('versionId').doNothing()).execute();
}

/**
 * Writes a judgement if the watch is still as it was read (another replica may have judged it
 * first: then this one writes nothing and raises no event), with its event in the same
 * transaction. Returns whether it was written.
 */
export async function recordJudgement(db: Db, candidate: FreshnessCandidate, was: FreshnessWatch, judgement: FreshnessJudgement, maxAgeMs: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('freshnessWatches')
      .set({ seenVersion: judgement.watch.seenVersion, freshSince: judgement.watch.freshSince, missedAt: judgement.watch.missedAt })
      .where('versionId', '=', candidate.versionId)
      .where('seenVersion', '=', was.seenVersion)
      .where('freshSince', '=', was.freshSince)
      .where(was.missedAt ? sql<boolean>`missed_at = ${was.missedAt}` : sql<boolean>`missed_at is null`)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false;
    if (judgement.event) await appendEvents(trx, [freshnessEvent(candidate, was, judgement, maxAgeMs)], judgement.watch.missedAt ?? judgement.watch.freshSince);
    return true;
  });
}

function freshnessEvent(candidate: FreshnessCandidate, was: FreshnessWatch, judgement: FreshnessJudgement, maxAgeMs: number): NewEvent {
  const missed = judgement.event === 'missed';
  const at = missed ? judgement.watch.missedAt! : judgement.watch.freshSince;
  return {
    id: randomUUID(),
    type: missed ? 'sluice.freshness.missed' : 'sluice.freshness.met',
    realm: candidate.realm,
    home: candidate.home,
    pipelineId: candidate.pipelineId,
    versionId: candidate.versionId,
    subject: 'freshness',
    time: at,
    data: {
      pipelineId: candidate.pipelineId,
      pipelineVersionId: candidate.versionId,
      outputCatalogHrn: candidate.outputCatalogHrn,
      maxAge: candidate.maxAge,
      // The output version the deadline counts from, and since when it was the latest seen.
      outputCatalogVersion: judgement.watch.seenVersion < 0 ? null : judgement.watch.seenVersion,
      freshSince: was.freshSince.toISOString(),
      ...(missed ? { deadline: new Date(was.freshSince.getTime() + maxAgeMs).toISOString() } : { missedAt: was.missedAt?.toISOString() }),
    },
  };
}
