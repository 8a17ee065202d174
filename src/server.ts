import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.js';
import { createVerifier, resolveSecret, signToken } from './auth/verifier.js';
import { createTokenIssuer } from './auth/token-issuer.js';
import { SignInCodes } from './http/console/sign-in.js';
import { CONSOLE_PATH } from './http/console/paths.js';
import { buildApp, type App } from './http/app.js';
import { loadRuntimeCatalog } from './runtime-catalog-file.js';
import type { Services } from './services.js';
import { migrate, openDatabase, pendingMigrations, type Database, type Db } from './store/database.js';
import { jobFilesPublisher } from './engine/job-files.js';
import { TemplateChecker } from './engine/template-checker.js';
import { Reconciler } from './engine/reconciler.js';
import { createRuntimeRegistry } from './runtimes/registry.js';
import { JobSandbox, type IsolationReport } from './runtimes/local-jvm/sandbox/job-sandbox.js';
import { listEgressRules } from './store/egress-rules.js';
import { runtimeJobOf } from './engine/observer.js';
import { ManualClock, systemClock } from './engine/clock.js';
import { TriggerScheduler } from './engine/triggers.js';
import { WebhookDeliverer } from './engine/webhook-deliverer.js';
import { FreshnessWatcher } from './engine/freshness-watcher.js';
import { GarbageCollector } from './engine/garbage-collector.js';
import { jobFolderCollection } from './engine/job-folder-gc.js';
import { snapshotCollection } from './engine/snapshot-gc.js';
import { eventCollection } from './engine/event-gc.js';
import { versionCountFold } from './engine/version-count-fold.js';
import { LocalCatalogRegistry } from './catalogs/local-registry.js';
import { HostedMetadataSource } from './catalogs/hosted-metadata.js';
import type { CatalogVersionSource } from './catalogs/source.js';
import { Metrics } from './telemetry/metrics.js';
import { enginePassCheck, Readiness, runtimeChecks, type CheckedRuntime } from './telemetry/readiness.js';
import { databaseAnswers } from './store/health.js';
import { readStoreCounts } from './store/metric-counts.js';

export interface RunningServer {
  app: App;
  database: Database;
  url: string;
  /**
   * The console's one-time sign-in link, on the embedded default (PGlite, tokens signed here):
   * printed once by `sluice serve`, never logged.
   */
  signInLink?: string;
  close(): Promise<void>;
}

/** The metrics registry (unless SLUICE_METRICS=off) and the readiness checks of this process. */
function observe(config: Config, database: Database, runtimes: readonly CheckedRuntime[]) {
  const observability = {
    metricsToken: config.observability.metricsToken,
    readiness: new Readiness({ replicaId: config.engine.replicaId, store: database.kind }),
    metrics: undefined as Metrics | undefined,
    onCollectError: undefined as ((error: unknown) => void) | undefined,
  };
  if (config.observability.metrics) {
    observability.metrics = new Metrics({
      storeCounts: () => readStoreCounts(database.db),
      onCollectError: (error) => observability.onCollectError?.(error),
    });
  }
  observability.readiness
    .add({ name: 'database', run: () => databaseAnswers(database.db) })
    .add({
      name: 'migrations',
      async run() {
        const pending = await pendingMigrations(database);
        return pending.length === 0 ? { ok: true } : { ok: false, message: `not applied: ${pending.join(', ')}` };
      },
    })
    .add(enginePassCheck(config.observability.engineStaleMs));
  for (const check of runtimeChecks(runtimes)) observability.readiness.add(check);
  return observability;
}

export interface StartOptions {
  logger?: boolean;
}

/** Opens the store, migrates it, starts the engine's loops and listens. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const catalog = await loadRuntimeCatalog(config.runtimeCatalogFile);
  // Early: the local JVM's launcher helper is forked while this process is still small.
  const jobSandbox = new JobSandbox({ ...config.jobIsolation, dataDir: config.dataDir, java: config.localJvm.java });
  // The store opens after the runtimes are built; remote runtimes publish job files only later, once it is open.
  let storeForJobFiles: Db | undefined;
  const runtimes = createRuntimeRegistry(catalog, {
    dataDir: config.dataDir,
    localJvm: config.localJvm,
    jobSandbox,
    warn: (message, error) => console.warn(message, error ?? ''),
    jobFiles: jobFilesPublisher(() => storeForJobFiles!, () => config.publicUrl, () => new Date()),
  });
  const verifier = await createVerifier(config);
  const tokenIssuer = await createTokenIssuer(config);
  const database = await openDatabase(config);
  await migrate(database);
  storeForJobFiles = database.db;
  const packagesDir = path.join(config.dataDir, 'packages');
  await fs.mkdir(packagesDir, { recursive: true });

  const checker = new TemplateChecker(database.db);
  let reconciler: Reconciler | undefined;
  let triggers: TriggerScheduler | undefined;
  const manualClock = config.engine.clock === 'manual' ? new ManualClock() : undefined;
  const clock = manualClock ?? systemClock;
  const registry = config.engine.catalogSource === 'local' ? new LocalCatalogRegistry(database.db) : undefined;
  const source: CatalogVersionSource = registry ?? new HostedMetadataSource({
    urlTemplate: config.engine.metadataUrl!,
    token: config.engine.metadataToken,
    timeoutMs: 10_000,
  });
  const services: Services = {
    config,
    db: database.db,
    reads: database.reads,
    catalog,
    packagesDir,
    now: () => clock.now(),
    catalogRegistry: registry,
    manualClock,
    templateCreated: (id) => checker.check(id),
    operationAccepted: () => reconciler?.wake({ claim: true }),
    versionChanged: (versionId) => reconciler?.wake({ versionId }),
    jobLog: (job) => runtimes.forJob(job)?.log(runtimeJobOf(job)) ?? null,
    jobPage: (job) => runtimes.forJob(job)?.jobPageUrl?.(runtimeJobOf(job)) ?? null,
    triggerStatus: () => triggers?.sweeps.status() ?? { poll: { count: 0 }, cron: { count: 0 } },
    tokenIssuer,
  };
  const signInCodes = embeddedSignIn(config);
  const observability = observe(config, database, runtimes.all());
  const app = await buildApp({ services, verifier, logLevel: config.logLevel, logger: options.logger, signInCodes, observability });
  observability.onCollectError = (error) => app.log.warn({ err: error }, 'metrics: the store counts could not be read');
  checker.onError = (error) => app.log.error({ err: error }, 'template check failed');
  database.onFeedError = (error, what) => app.log.warn({ err: error }, `${what}; read cache off until it listens again`);
  database.onFeedRecovered = () => app.log.info('change feed listening again; read cache on');
  database.onPoolError = (error) => app.log.warn({ err: error }, 'a pooled database connection broke; the next query reconnects');
  await checker.checkPending();
  const isolation = await jobSandbox.start({
    rulesOf: async (realm) => (await listEgressRules(database.db, realm)).map((rule) => rule.destination),
    refused: (event) => app.log.warn(event, `egress refused for job ${event.jobId}: ${event.method} ${event.target}`),
  });
  sayIsolation(app, isolation, config.dataDir);
  observability.readiness.setInfo('jobIsolation', isolation.mode);
  observability.readiness.setInfo('jobCgroups', isolation.cgroups);
  triggers = new TriggerScheduler({
    db: database.db,
    source,
    runtimes,
    clock,
    settings: { replicaId: config.engine.replicaId, pollMs: config.engine.catalogPollMs, startTimeoutMs: config.engine.startTimeoutMs, leaseMs: config.engine.leaseMs },
    log: app.log,
    jobCreated: () => reconciler?.wake(),
  });
  reconciler = new Reconciler({
    db: database.db,
    runtimes,
    catalogSource: source,
    settings: config.engine,
    log: app.log,
    now: services.now,
    hooks: triggers,
  });
  const { engine } = config;
  const collector = new GarbageCollector({
    clock,
    intervalMs: engine.gcIntervalMs,
    log: app.log,
    tasks: [
      snapshotCollection({ db: database.db, runtimes, retentionMs: engine.snapshotRetentionMs, log: app.log }),
      eventCollection({ db: database.db, retentionMs: config.webhooks.eventRetentionMs }),
      versionCountFold({ db: database.db }),
      jobFolderCollection({
        db: database.db, runtimes, replicaId: engine.replicaId, retentionMs: engine.jobFolderRetentionMs, leftoverGraceMs: engine.leftoverGraceMs, log: app.log,
      }),
    ],
  });
  const freshness = new FreshnessWatcher({ db: database.db, source, clock, intervalMs: engine.catalogPollMs, log: app.log });
  const deliverer = new WebhookDeliverer({ db: database.db, replicaId: engine.replicaId, settings: config.webhooks, clock, log: app.log });
  const url = await app.listen({ port: config.port, host: config.host });
  // After listening: a restart first re-adopts its jobs and finishes operations left in flight.
  reconciler.start();
  triggers.start();
  collector.start();
  freshness.start();
  await deliverer.start();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      await triggers?.stop();
      await collector.stop();
      await freshness.stop();
      await reconciler?.stop();
      await deliverer.stop();
      await runtimes.close();
      await checker.idle();
      await database.close();
    })();
    return closing;
  };
  const signInLink = signInCodes && `${config.publicUrl?.replace(/\/$/, '') ?? url}${CONSOLE_PATH}/sign-in#code=${signInCodes.issue()}`;
  return { app, database, url, signInLink, close };
}

/**
 * Once at start: isolated, which users and cgroups; shared, a warning naming what a job can
 * reach (README: "Job isolation").
 */
function sayIsolation(app: App, isolation: IsolationReport, dataDir: string): void {
  if (isolation.mode === 'isolated') {
    const users = isolation.users === 'realm' ? 'a user per realm' : 'the job user';
    app.log.info({ jobIsolation: isolation }, `jobs run isolated (bubblewrap, ${users}, cgroup ${isolation.cgroups}); egress only through the realm's egress rules`);
    return;
  }
  app.log.warn({ jobIsolation: isolation },
    `jobs run in SHARED mode (${isolation.note}): as the service's own user, with its view of the disk and network. ` +
    `A job can read ${dataDir} (every realm's packages and jobs, the secret file, the PGlite database), ` +
    'the service\'s /proc (its environment: secrets, DATABASE_URL) and any address it can connect to; egress rules are advisory.');
}

/**
 * Sign-in codes for the console on the embedded default only: there the service signs its own
 * tokens, and whoever runs it is its administrator (the token is `sluice token`'s default: realm
 * SLUICE_REALM, subject local-user, role OrgAdmin, 12 hours). With PostgreSQL or a JWKS, tokens
 * come from the operator's identity provider or `sluice token` and are pasted.
 */
function embeddedSignIn(config: Config): SignInCodes | undefined {
  if (config.databaseUrl || config.jwksUrl || config.consoleLinkTtlMs === 0) return undefined;
  const lifetimeMs = 12 * 3600 * 1000;
  return new SignInCodes({
    ttlMs: config.consoleLinkTtlMs,
    issueToken: async () => ({
      token: await signToken(await resolveSecret(config), { subject: 'local-user', realm: config.realm, roles: ['OrgAdmin'], expiresIn: '12h' }),
      expiresAt: new Date(Date.now() + lifetimeMs),
    }),
  });
}
