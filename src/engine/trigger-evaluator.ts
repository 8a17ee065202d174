import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { CatalogVersionSource } from '../catalogs/source.js';
import {
  decisionFingerprint, evaluate, inputVersionsOf, repeatsPrevious, type Observed, type Trigger,
} from '../domain/trigger-decision.js';
import type { RuntimeRegistry } from '../runtimes/registry.js';
import type { Db } from '../store/database.js';
import { previousDecisions, pruneDecisions, recordDecisions, repeatDecisions, type Decision } from '../store/trigger-decisions.js';
import { jobFactsOf, startScheduledRun, type JobFacts, type ScheduledVersion, type StartOutcome } from '../store/triggers.js';
import type { Clock } from './clock.js';
import type { SweepCounts } from './trigger-sweeps.js';

/** Lets requests in between two statements of a sweep (on PGlite a chain of queries never does by itself). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows kept per version in the decision log (the route shows as many). */
export const DECISIONS_KEPT = 100;

export interface EvaluatorDeps {
  db: Db;
  source: CatalogVersionSource;
  runtimes: RuntimeRegistry;
  clock: Clock;
  replicaId: string;
  startTimeoutMs: number;
  /** The lease a job on a remote runtime starts with (store/operations.ts). */
  leaseMs: number;
  log: FastifyBaseLogger;
  /** A job was created: the reconciler launches it. */
  jobCreated(): void;
}

const NOT_STARTED: Record<Exclude<StartOutcome, 'started'>, string> = {
  'not-scheduled': 'the version was no longer scheduled when the job was to start',
  stale: 'another job of this version started after this evaluation read its jobs; it decides again next time',
};

function baselineOf(facts: JobFacts | undefined): Record<string, number> | null {
  const completed = facts?.completed;
  if (!completed) return null;
  return completed.resolverBaseline ?? inputVersionsOf(completed.catalogVersions) ?? {};
}

/**
 * Evaluates a batch of scheduled versions together: one catalog lookup per realm for every HRN
 * involved, one query for their jobs, one for their previous decisions; then the pure decision
 * per version, a job for those that run, and the decision log written in bulk, a new row only
 * where the decision differs from the version's previous one.
 */
export class TriggerEvaluator {
  constructor(private readonly deps: EvaluatorDeps) {}

  async evaluateBatch(versions: ScheduledVersion[], trigger: Trigger): Promise<SweepCounts> {
    const counts: SweepCounts = { evaluated: 0, jobsStarted: 0, decisionsRecorded: 0 };
    if (versions.length === 0) return counts;
    const { db, clock, log } = this.deps;
    const latest = await this.latestOf(versions);
    await yieldToEventLoop();
    const ids = versions.map((v) => v.id);
    const facts = await jobFactsOf(db, ids);
    await yieldToEventLoop();
    const previous = await previousDecisions(db, ids);
    await yieldToEventLoop();
    const at = clock.now();
    const inserts: Decision[] = [];
    const repeats: number[] = [];
    const skip = (version: ScheduledVersion, reason: string, observed: Observed) => {
      const fingerprint = decisionFingerprint(trigger, 'skipped', reason, observed);
      const before = previous.get(version.id);
      if (repeatsPrevious(before, fingerprint)) repeats.push(before!.seq);
      else inserts.push({ versionId: version.id, at, trigger, observed: { ...observed }, decision: 'skipped', reason, fingerprint });
    };
    for (const version of versions) {
      counts.evaluated++;
      const time = version.schedulerConfiguration?.timeTriggerOptions;
      const versionFacts = facts.get(version.id);
      const verdict = evaluate({
        trigger,
        inputCatalogs: version.inputCatalogs,
        outputCatalogHrn: version.outputCatalogHrn,
        state: version.state,
        force: time?.processingType === 'force',
        latestByHrn: latest.get(version.realm)!,
        baseline: baselineOf(versionFacts),
        lastAttempt: inputVersionsOf(versionFacts?.last?.catalogVersions),
      });
      if (!verdict.start) {
        skip(version, verdict.reason, verdict.observed);
        continue;
      }
      const jobId = randomUUID();
      const outcome = await this.start(version, trigger, jobId, versionFacts?.last?.id ?? null, verdict.reason, {
        inputCatalogs: verdict.resolution.inputs,
        outputCatalog: { baseVersion: verdict.resolution.outputBaseVersion },
      });
      if (outcome !== 'started') {
        skip(version, NOT_STARTED[outcome], verdict.observed);
        continue;
      }
      counts.jobsStarted++;
      const fingerprint = decisionFingerprint(trigger, 'started', verdict.reason, verdict.observed);
      inserts.push({ versionId: version.id, at, trigger, observed: { ...verdict.observed }, decision: 'started', reason: verdict.reason, jobId, fingerprint });
    }
    await recordDecisions(db, inserts);
    await yieldToEventLoop();
    await repeatDecisions(db, repeats, at);
    await yieldToEventLoop();
    await pruneDecisions(db, inserts.map((d) => d.versionId), DECISIONS_KEPT);
    counts.decisionsRecorded = inserts.length;
    // A decision that differs from the last one is news; a repeat is only counted (debug).
    for (const d of inserts) {
      log.info({ versionId: d.versionId, trigger, decision: d.decision, reason: d.reason, jobId: d.jobId, observed: d.observed }, 'trigger decision');
    }
    if (repeats.length > 0) log.debug({ trigger, repeated: repeats.length }, 'trigger decisions unchanged');
    if (counts.jobsStarted > 0) this.deps.jobCreated();
    return counts;
  }

  /** Latest catalog versions, per realm, of every input and output catalog of the batch. */
  private async latestOf(versions: ScheduledVersion[]): Promise<Map<string, ReadonlyMap<string, number>>> {
    const hrnsByRealm = new Map<string, Set<string>>();
    for (const version of versions) {
      let hrns = hrnsByRealm.get(version.realm);
      if (!hrns) hrnsByRealm.set(version.realm, hrns = new Set());
      for (const hrn of Object.values(version.inputCatalogs)) hrns.add(hrn);
      hrns.add(version.outputCatalogHrn);
    }
    const latest = new Map<string, ReadonlyMap<string, number>>();
    for (const [realm, hrns] of hrnsByRealm) latest.set(realm, await this.deps.source.latestVersions(realm, [...hrns]));
    return latest;
  }

  private start(
    version: ScheduledVersion, trigger: Trigger, jobId: string, lastJobId: string | null, reason: string, catalogVersions: Record<string, unknown>,
  ): Promise<StartOutcome> {
    const { runtimes, clock, replicaId, startTimeoutMs, leaseMs } = this.deps;
    const at = clock.now();
    return startScheduledRun(this.deps.db, {
      versionId: version.id,
      jobId,
      lastJobId,
      runtimeFor: (environment) => {
        const runtime = runtimes.forEnvironment(environment);
        return { runtime: runtime.name, leaseUntil: runtime.local ? null : new Date(at.getTime() + leaseMs) };
      },
      owner: replicaId,
      executionMode: trigger === 'cron' ? 'time-schedule' : 'scheduled',
      catalogVersions,
      message: `${trigger}: ${reason}`,
      startDeadline: new Date(at.getTime() + startTimeoutMs),
      at,
    });
  }
}
