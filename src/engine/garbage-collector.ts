import type { FastifyBaseLogger } from 'fastify';
import { asError } from '../domain/errors.js';
import type { Clock } from './clock.js';

/** One kind of thing the collector removes; returns how many it removed. */
export interface CollectionTask {
  name: string;
  collect(now: Date): Promise<number>;
}

export interface GarbageCollectorDeps {
  clock: Clock;
  intervalMs: number;
  log: FastifyBaseLogger;
  tasks: CollectionTask[];
}

/**
 * Runs the retention tasks (snapshots, job folders) every interval, at start, and whenever the
 * manual clock jumps; one run at a time. A failing task is logged and does not stop the others.
 */
export class GarbageCollector {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly deps: GarbageCollectorDeps) {
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
    this.running = this.collect().finally(() => { this.running = undefined; });
  }

  private async collect(): Promise<void> {
    for (const task of this.deps.tasks) {
      await task.collect(this.deps.clock.now())
        .catch((error) => this.deps.log.error({ err: asError(error), task: task.name }, 'garbage collection failed'));
    }
  }
}
