import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { signals as processSignals, type Signals } from './signals.js';

/** Counts read from the store at each scrape (so every replica reports the same, whoever changed what). */
export interface StoreCounts {
  versionsByState: { state: string; count: number }[];
  /** Live jobs only (starting, running): their count is bounded by what runs, ended jobs are history. */
  liveJobs: { state: string; runtime: string; count: number }[];
  operationsInFlight: { state: string; count: number }[];
  webhookDeliveries: { state: string; count: number }[];
  /** Versions whose output catalog is past its freshness deadline right now. */
  freshnessMissed: number;
}

export interface MetricsOptions {
  /** Read at each scrape; a failure leaves those gauges out of that scrape rather than failing it. */
  storeCounts?: () => Promise<StoreCounts>;
  /** Told when storeCounts fails (it is logged, not answered). */
  onCollectError?: (error: unknown) => void;
  signals?: Signals;
}

const seconds = (ms: number) => ms / 1000;

/**
 * The one prom-client registry of the process and its typed instruments. Every label is bounded
 * and documented in README ("Metrics"): route templates (never paths), statement kinds and table
 * names from a fixed list, states and outcomes from enums. No metric carries an id, so no series
 * grows with the number of pipelines, versions or jobs.
 *
 * Instruments are fed from `signals` (the seam the engine and the store emit into), except HTTP,
 * which the http layer observes directly.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Histogram({
    name: 'sluice_http_request_duration_seconds',
    help: 'HTTP requests by method, route template (or "unmatched") and status code, with their duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  readonly storeQueries = new Histogram({
    name: 'sluice_store_query_duration_seconds',
    help: 'Store statements by kind (select, insert, update, delete, other), main table and outcome, with their duration',
    labelNames: ['statement', 'table', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5],
    registers: [this.registry],
  });

  readonly cacheReads = new Counter({
    name: 'sluice_read_cache_requests_total',
    help: 'Reads through the read cache by kind and result (hit, miss, off)',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });

  readonly enginePasses = new Histogram({
    name: 'sluice_engine_pass_duration_seconds',
    help: 'Duration of the reconciler\'s passes',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });

  readonly engineLastPass = new Gauge({
    name: 'sluice_engine_last_pass_timestamp_seconds',
    help: 'When the reconciler last finished a pass (Unix time)',
    registers: [this.registry],
  });

  readonly triggerSweeps = new Histogram({
    name: 'sluice_trigger_sweep_duration_seconds',
    help: 'Catalog polls and cron checks (that took ticks) by kind, with their duration',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [this.registry],
  });

  readonly triggerEvaluations = new Counter({
    name: 'sluice_trigger_evaluations_total',
    help: 'Versions evaluated by catalog polls and cron checks, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter({
    name: 'sluice_events_total',
    help: 'Events written to the event log, by CloudEvents type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly webhookAttempts = new Histogram({
    name: 'sluice_webhook_attempt_duration_seconds',
    help: 'Webhook delivery attempts by outcome (delivered, failed: retried later, dead: given up), with their duration',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
    registers: [this.registry],
  });

  readonly freshnessChecks = new Histogram({
    name: 'sluice_freshness_check_duration_seconds',
    help: 'Looks of the freshness watcher at every version with a freshness deadline, with their duration',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });

  readonly runtimeReachable = new Gauge({
    name: 'sluice_runtime_reachable',
    help: 'Whether each remote runtime (catalog binding) answered its last reachability check (1) or not (0); checked by /health/ready',
    labelNames: ['runtime'] as const,
    registers: [this.registry],
  });

  readonly operations = new Histogram({
    name: 'sluice_operation_duration_seconds',
    help: 'Operations the engine ended, by request type and outcome, with their duration from accepted to ended',
    labelNames: ['request_type', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers: [this.registry],
  });

  readonly jobs = new Histogram({
    name: 'sluice_job_duration_seconds',
    help: 'Jobs that ended, by end state (completed, failed, canceled) and runtime, with their duration from creation',
    labelNames: ['state', 'runtime'] as const,
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600],
    registers: [this.registry],
  });

  readonly launchLatency = new Histogram({
    name: 'sluice_job_launch_latency_seconds',
    help: 'From the engine creating a job (deciding to run it) to its runtime showing it running, by runtime',
    labelNames: ['runtime'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly restarts = new Counter({
    name: 'sluice_job_restarts_total',
    help: 'Stream jobs started again after a failure, by runtime',
    labelNames: ['runtime'] as const,
    registers: [this.registry],
  });

  readonly snapshots = new Histogram({
    name: 'sluice_snapshot_duration_seconds',
    help: 'Snapshots kept from stopped stream jobs, by reason (pause, upgrade), with how long keeping each took',
    labelNames: ['reason'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });

  constructor(options: MetricsOptions = {}) {
    collectDefaultMetrics({ register: this.registry });
    const signals = options.signals ?? processSignals;
    signals.on('engine.pass', ({ durationMs }) => {
      this.enginePasses.observe(seconds(durationMs));
      this.engineLastPass.set(Date.now() / 1000);
    });
    signals.on('trigger.sweep', ({ kind, durationMs, evaluated }) => {
      this.triggerSweeps.observe({ kind }, seconds(durationMs));
      this.triggerEvaluations.inc({ kind }, evaluated);
    });
    signals.on('store.query', ({ statement, table, durationMs, failed }) => {
      this.storeQueries.observe({ statement, table, outcome: failed ? 'error' : 'ok' }, seconds(durationMs));
    });
    signals.on('freshness.check', ({ durationMs }) => this.freshnessChecks.observe(seconds(durationMs)));
    signals.on('runtime.reachability', ({ runtime, reachable }) => this.runtimeReachable.set({ runtime }, reachable ? 1 : 0));
    signals.on('operation.ended', ({ requestType, outcome, durationMs }) => this.operations.observe({ request_type: requestType, outcome }, seconds(durationMs)));
    signals.on('job.running', ({ runtime, launchLatencyMs }) => this.launchLatency.observe({ runtime }, seconds(launchLatencyMs)));
    signals.on('job.ended', ({ state, runtime, durationMs }) => this.jobs.observe({ state, runtime }, seconds(durationMs)));
    signals.on('job.restarted', ({ runtime }) => this.restarts.inc({ runtime }));
    signals.on('snapshot.taken', ({ reason, durationMs }) => this.snapshots.observe({ reason }, seconds(durationMs)));
    signals.on('cache.read', ({ kind, result }) => this.cacheReads.inc({ kind, result }));
    signals.on('events.appended', ({ types }) => {
      for (const type of types) this.eventsAppended.inc({ type });
    });
    signals.on('webhook.attempt', ({ outcome, durationMs }) => this.webhookAttempts.observe({ outcome }, seconds(durationMs)));
    if (options.storeCounts) this.storeGauges(options.storeCounts, options.onCollectError);
  }

  /** The exposition in Prometheus text format. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /**
   * Gauges read from the store at scrape time: one statement for all of them (see
   * store/metric-counts.ts), shared by the gauges of one scrape.
   */
  private storeGauges(read: () => Promise<StoreCounts>, onError?: (error: unknown) => void): void {
    let pending: Promise<StoreCounts | undefined> | undefined;
    const counts = () => {
      pending ??= read().catch((error) => {
        onError?.(error);
        return undefined;
      }).finally(() => setImmediate(() => { pending = undefined; }));
      return pending;
    };
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, c: StoreCounts) => void) => new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        const current = await counts();
        if (current) fill(this, current);
      },
    });
    gauge('sluice_pipeline_versions', 'Pipeline versions by state (all realms)', ['state'], (g, c) => {
      for (const { state, count } of c.versionsByState) g.set({ state }, count);
    });
    gauge('sluice_live_jobs', 'Jobs starting or running, by state and runtime (all realms, all replicas)', ['state', 'runtime'], (g, c) => {
      for (const { state, runtime, count } of c.liveJobs) g.set({ state, runtime }, count);
    });
    gauge('sluice_operations_in_flight', 'Operations accepted and not yet ended, by state (accepted: waiting for the engine)', ['state'], (g, c) => {
      for (const { state, count } of c.operationsInFlight) g.set({ state }, count);
    });
    gauge('sluice_webhook_deliveries', 'Webhook deliveries by state (pending, delivering, dead); delivered ones are not counted', ['state'], (g, c) => {
      for (const { state, count } of c.webhookDeliveries) g.set({ state }, count);
    });
    gauge('sluice_freshness_missed_versions', 'Versions whose output catalog is past its freshness deadline now (README: "Freshness deadlines")', [], (g, c) => {
      g.set(c.freshnessMissed);
    });
  }
}
