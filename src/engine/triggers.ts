import type { FastifyBaseLogger } from 'fastify';
import type { CatalogVersionSource } from '../catalogs/source.js';
import { nextFire, nextFireOf } from '../domain/cron.js';
import { asError } from '../domain/errors.js';
import type { Trigger } from '../domain/trigger-decision.js';
import { baselineAfterSuccess } from '../domain/version-resolver.js';
import type { RuntimeRegistry } from '../runtimes/registry.js';
import type { Db } from '../store/database.js';
import type { PipelineVersionRow } from '../store/schema.js';
import {
  cronVersionsWithoutNextFire, dueCronVersions, earliestNextFire, resolverRealms, resolverVersions, scheduledVersion,
  setNextFires, setResolverBaseline, takeCronTicks, type ScheduledVersion,
} from '../store/triggers.js';
import type { Clock } from './clock.js';
import { TriggerEvaluator } from './trigger-evaluator.js';
import { SweepLog, type SweepCounts } from './trigger-sweeps.js';

export interface TriggerSettings {
  replicaId: string;
  /** Safety-net poll of the catalogs (SLUICE_CATALOG_POLL_MS), with ±10 % jitter. */
  pollMs: number;
  startTimeoutMs: number;
  leaseMs: number;
}

export interface TriggerDeps {
  db: Db;
  source: CatalogVersionSource;
  runtimes: RuntimeRegistry;
  clock: Clock;
  settings: TriggerSettings;
  log: FastifyBaseLogger;
  /** A job was created: the reconciler launches it. */
  jobCreated(): void;
}

/** Longest a cron timer sleeps before looking again (the schedule may have changed meanwhile). */
const MAX_CRON_SLEEP_MS = 60_000;
/** When the earliest fire time is already past (another replica is taking it), look again after this. */
const RETRY_CRON_MS = 1_000;
/**
 * Versions evaluated per batch. On PGlite every query runs on the server's own thread and a
 * chain of awaited queries never lets the event loop take a request in between, so the sweep
 * yields between its statements: a request waits for one statement, not for the whole sweep.
 */
const BATCH = 250;

/** Lets requests in between two statements of a sweep (on PGlite a chain of queries never does by itself). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function add(total: SweepCounts, counts: SweepCounts): void {
  total.evaluated += counts.evaluated;
  total.jobsStarted += counts.jobsStarted;
  total.decisionsRecorded += counts.decisionsRecorded;
}

/**
 * Fires scheduled batch versions: the version resolver on catalog publications and polls, cron
 * on its ticks. Versions are swept in batches (see TriggerEvaluator); what each evaluation saw
 * and decided goes to the decision log.
 */
export class TriggerScheduler {
  readonly sweeps = new SweepLog();
  private readonly evaluator: TriggerEvaluator;
  private pollTimer?: NodeJS.Timeout;
  private cronTimer?: NodeJS.Timeout;
  private stopped = false;
  private cronCheck?: Promise<void>;
  private cronAgain = false;

  constructor(private readonly deps: TriggerDeps) {
    this.evaluator = new TriggerEvaluator({
      db: deps.db,
      source: deps.source,
      runtimes: deps.runtimes,
      clock: deps.clock,
      replicaId: deps.settings.replicaId,
      startTimeoutMs: deps.settings.startTimeoutMs,
      leaseMs: deps.settings.leaseMs,
      log: deps.log,
      jobCreated: deps.jobCreated,
    });
    deps.source.onPublished((event) => void this.guard(this.onPublished(event.realm, event.catalogHrn)));
    deps.clock.onJump(() => this.wakeCron());
  }

  start(): void {
    // A poll at once: catalogs may have moved while the service was down (the hosted source has no events).
    this.schedulePoll(0);
    // A tick missed while the service was down runs once now, not once per missed tick.
    this.wakeCron();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.cronTimer);
    await this.cronCheck;
  }

  /** The reconciler moved a version to `scheduled` (activate, resume, a job ended). */
  versionScheduled(versionId: string, trigger: 'activated' | 'job-ended'): void {
    void this.guard(this.evaluateById(versionId, trigger));
    this.wakeCron();
  }

  /** A scheduled job completed: remember what it processed as the resolver's baseline. */
  async jobCompleted(version: PipelineVersionRow, jobId: string, processed: Record<string, number>): Promise<void> {
    const sameAsOutput = Object.entries(version.inputCatalogs).filter(([, hrn]) => hrn === version.outputCatalogHrn).map(([label]) => label);
    const output = (await this.deps.source.latestVersions(version.realm, [version.outputCatalogHrn])).get(version.outputCatalogHrn) ?? -1;
    await setResolverBaseline(this.deps.db, jobId, baselineAfterSuccess(processed, sameAsOutput, output));
  }

  private async guard(work: Promise<unknown>): Promise<void> {
    try {
      await work;
    } catch (error) {
      this.deps.log.error({ err: asError(error) }, 'trigger evaluation failed');
    }
  }

  /** Every resolver version of `realm` (reading `catalogHrn`, if given), batch by batch. */
  private async sweepResolver(realm: string, trigger: Trigger, catalogHrn?: string): Promise<SweepCounts> {
    const total: SweepCounts = { evaluated: 0, jobsStarted: 0, decisionsRecorded: 0 };
    let afterId: string | undefined;
    while (!this.stopped) {
      const batch = await resolverVersions(this.deps.db, realm, { afterId, limit: BATCH }, catalogHrn);
      add(total, await this.evaluator.evaluateBatch(batch, trigger));
      if (batch.length < BATCH) break;
      afterId = batch[batch.length - 1].id;
      await yieldToEventLoop();
    }
    return total;
  }

  private async onPublished(realm: string, catalogHrn: string): Promise<void> {
    await this.sweepResolver(realm, 'publish', catalogHrn);
  }

  private schedulePoll(delayMs?: number): void {
    if (this.stopped) return;
    const delay = delayMs ?? this.deps.settings.pollMs * (0.9 + Math.random() * 0.2);
    this.sweeps.planned('poll', new Date(this.deps.clock.now().getTime() + delay));
    this.pollTimer = setTimeout(() => {
      void this.guard(this.poll()).finally(() => this.schedulePoll());
    }, delay);
    this.pollTimer.unref();
  }

  private async poll(): Promise<void> {
    const done = this.sweeps.begin('poll', () => this.deps.clock.now());
    const total: SweepCounts = { evaluated: 0, jobsStarted: 0, decisionsRecorded: 0 };
    try {
      for (const realm of await resolverRealms(this.deps.db)) add(total, await this.sweepResolver(realm, 'poll'));
    } finally {
      done(total);
    }
  }

  /**
   * Checks the cron schedules now. One check at a time: a wake during a check (the clock jumped,
   * a version was scheduled) runs one more check after it, instead of racing it.
   */
  private wakeCron(): void {
    if (this.stopped) return;
    if (this.cronCheck) {
      this.cronAgain = true;
      return;
    }
    clearTimeout(this.cronTimer);
    let sleep = MAX_CRON_SLEEP_MS;
    this.cronCheck = this.guard(this.checkCron().then((ms) => { sleep = ms; })).finally(() => {
      this.cronCheck = undefined;
      if (this.stopped) return;
      if (this.cronAgain) {
        this.cronAgain = false;
        this.wakeCron();
        return;
      }
      this.cronTimer = setTimeout(() => this.wakeCron(), sleep);
      this.cronTimer.unref();
      this.sweeps.planned('cron', new Date(this.deps.clock.now().getTime() + sleep));
    });
  }

  /**
   * Gives versions without one a next fire time, takes every due tick (in batches, each taken
   * with its next fire time by one compare-and-set for the whole batch) and evaluates those
   * versions; returns how long to sleep until the next fire time.
   */
  private async checkCron(): Promise<number> {
    const { db, clock } = this.deps;
    const expression = (v: ScheduledVersion) => v.schedulerConfiguration!.timeTriggerOptions!.cronJobExpression;
    let afterId: string | undefined;
    for (;;) {
      const batch = await cronVersionsWithoutNextFire(db, { afterId, limit: BATCH });
      await setNextFires(db, batch.map((v) => ({ versionId: v.id, next: nextFireOf(expression(v), v.lastCronTick, v.updated), basedOn: v.lastCronTick })));
      if (batch.length < BATCH || this.stopped) break;
      afterId = batch[batch.length - 1].id;
      await yieldToEventLoop();
    }
    const now = clock.now();
    // Every tick of this check is taken at `now`: one fire time per expression, not per version.
    const nextByExpression = new Map<string, Date | null>();
    const nextAfterNow = (cron: string) => {
      if (!nextByExpression.has(cron)) nextByExpression.set(cron, nextFire(cron, now));
      return nextByExpression.get(cron)!;
    };
    const done = this.sweeps.begin('cron', () => clock.now());
    const total: SweepCounts = { evaluated: 0, jobsStarted: 0, decisionsRecorded: 0 };
    try {
      while (!this.stopped) {
        const due = await dueCronVersions(db, now, BATCH);
        await yieldToEventLoop();
        const taken = await takeCronTicks(db, now, due.map((v) => ({ versionId: v.id, next: nextAfterNow(expression(v)) })));
        await yieldToEventLoop();
        add(total, await this.evaluator.evaluateBatch(taken, 'cron'));
        if (due.length < BATCH) break;
        await yieldToEventLoop();
      }
    } finally {
      done(total);
    }
    const next = await earliestNextFire(db);
    if (!next) return MAX_CRON_SLEEP_MS;
    const wait = next.getTime() - clock.now().getTime();
    if (wait > 0) return Math.min(wait, MAX_CRON_SLEEP_MS);
    // Due already: a tick that fell during this check (look again now), or one another replica
    // is taking (give it a moment rather than spin).
    return total.evaluated > 0 ? 0 : RETRY_CRON_MS;
  }

  private async evaluateById(versionId: string, trigger: Trigger): Promise<void> {
    const version = await scheduledVersion(this.deps.db, versionId);
    if (version?.schedulerConfiguration?.catalogTriggerOptions === 'version_resolver') await this.evaluator.evaluateBatch([version], trigger);
  }
}
