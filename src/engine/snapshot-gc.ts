import type { FastifyBaseLogger } from 'fastify';
import { asError } from '../domain/errors.js';
import type { JobRuntime } from '../runtimes/runtime.js';
import type { Db } from '../store/database.js';
import { deleteExpiredSnapshots } from '../store/snapshots.js';
import type { Clock } from './clock.js';

export interface SnapshotCollectorDeps {
  db: Db;
  runtime: JobRuntime;
  clock: Clock;
  retentionMs: number;
  intervalMs: number;
  log: FastifyBaseLogger;
}

/** Rows deleted per statement: a backlog is worked off in bounded transactions. */
const BATCH = 100;

/**
 * Removes snapshots older than the retention that nothing needs any more (the store decides
 * which, in the same statement that deletes them, so replicas never both take one), then their
 * folders. A folder whose row is gone but which survived a crash is only disk, never a wrong answer.
 */
export class SnapshotCollector {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly deps: SnapshotCollectorDeps) {
    deps.clock.onJump(() => this.collectSoon());
  }

  start(): void {
    this.timer = setInterval(() => this.collectSoon(), this.deps.intervalMs);
    this.timer.unref();
    this.collectSoon();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private collectSoon(): void {
    if (this.running) return;
    this.running = this.collect()
      .then(() => undefined, (error) => this.deps.log.error({ err: asError(error) }, 'snapshot garbage collection failed'))
      .finally(() => { this.running = undefined; });
  }

  async collect(): Promise<number> {
    const { db, runtime, clock, retentionMs, log } = this.deps;
    const before = new Date(clock.now().getTime() - retentionMs);
    let removed = 0;
    for (;;) {
      const rows = await deleteExpiredSnapshots(db, before, BATCH);
      for (const row of rows) {
        await runtime.deleteSnapshot(row.location).catch((error) => log.warn({ err: asError(error), snapshotId: row.id }, 'snapshot folder not removed'));
        log.info({ snapshotId: row.id, pipelineId: row.pipelineId, created: row.created }, 'snapshot garbage-collected');
      }
      removed += rows.length;
      if (rows.length < BATCH) return removed;
    }
  }
}
