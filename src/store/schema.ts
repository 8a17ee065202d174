import type { ColumnType, Generated, Selectable, Insertable } from 'kysely';
import type { ClusterConfiguration } from '../domain/cluster-configuration.js';
import type { LoggingConfiguration } from '../domain/logging-configuration.js';
import type { SchedulerConfiguration } from '../domain/scheduler-configuration.js';
import type { AppTables } from './schema-apps.js';
import type { JobFileTables } from './schema-job-files.js';

/**
 * Table shapes as Kysely sees them (camelCase here, snake_case in SQL via CamelCasePlugin).
 * JSON columns are written as JSON text and read back parsed, on both PGlite and `pg`.
 */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type Json<T> = ColumnType<T, string, string>;

export interface PackagesTable {
  id: string;
  realm: string;
  /** The project of the token that uploaded it (migration 0010), or null: see store/visibility.ts. */
  home: string | null;
  fileName: string;
  mainClass: string | null;
  entryPoints: Json<string[]>;
  /** Class names found in the archive, so templates can check their entry point without reopening it. */
  classNames: Json<string[]>;
  sizeBytes: number;
  /** Hex SHA-256 of the archive (migration 0011; null for packages uploaded before it). */
  sha256: string | null;
  storagePath: string;
  createdBy: string;
  created: Timestamp;
}

export interface TemplatesTable {
  id: string;
  realm: string;
  name: string;
  state: string;
  stateMessage: string | null;
  runtimeEnvironment: string;
  packageId: string;
  entryPointClassName: string;
  groupId: string | null;
  home: string | null;
  description: string | null;
  defaultClusterConfiguration: Json<ClusterConfiguration>;
  inputCatalogIds: Json<string[]>;
  defaultRuntimeConfiguration: string | null;
  created: Timestamp;
  updated: Timestamp;
}

export interface PipelinesTable {
  id: string;
  realm: string;
  name: string;
  description: string | null;
  groupId: string | null;
  contactEmail: string | null;
  home: string | null;
  created: Timestamp;
  updated: Timestamp;
}

export interface PipelineVersionsTable {
  id: string;
  realm: string;
  pipelineId: string;
  versionNumber: number;
  name: string;
  state: string;
  pipelineTemplateId: string;
  inputCatalogs: Json<Record<string, string>>;
  outputCatalogHrn: string;
  schedulerConfiguration: Json<SchedulerConfiguration | null> | null;
  clusterConfiguration: Json<ClusterConfiguration>;
  customRuntimeConfiguration: string | null;
  streamConfiguration: Json<Record<string, string> | null> | null;
  loggingConfiguration: Json<LoggingConfiguration>;
  runAsId: string | null;
  billingTag: string | null;
  multiRegionEnabled: boolean;
  nextJobAttempt: Timestamp | null;
  runMode: string | null;
  lastCronTick: Timestamp | null;
  afterJob: string | null;
  upgradeTarget: string | null;
  resumeSnapshot: string | null;
  created: Timestamp;
  updated: Timestamp;
}

export interface OperationsTable {
  id: string;
  seq: Generated<number>;
  realm: string;
  pipelineId: string;
  versionId: string;
  requestType: string;
  state: string;
  message: string | null;
  userId: string;
  clientId: string | null;
  runAsId: string | null;
  options: Json<{ highAvailability?: boolean }>;
  /** The request body as accepted (catalog versions, snapshot, target version…), or service details. */
  request: Json<Record<string, unknown>>;
  byService: boolean;
  claimedBy: string | null;
  leaseUntil: Timestamp | null;
  deadline: Timestamp | null;
  created: Timestamp;
  updated: Timestamp;
}

export interface JobsTable {
  id: string;
  seq: Generated<number>;
  realm: string;
  pipelineId: string;
  versionId: string;
  operationId: string;
  state: string;
  message: string | null;
  catalogVersions: Json<Record<string, unknown> | null> | null;
  runAsId: string | null;
  executionMode: string;
  highAvailability: boolean;
  /** The runtime's name (runtimes/registry.ts): the only reader of `handle`. */
  runtime: string;
  /** The replica that looks after the job: the one that launched it, or for a remote runtime the one holding its lease. */
  owner: string;
  /** Remote runtimes only: until when `owner` holds the job (store/operations.ts, the claim rule); null: a local job. */
  leaseUntil: Timestamp | null;
  /** Opaque to everything but the job's runtime; null until the launch is recorded. */
  handle: Json<Record<string, unknown> | null> | null;
  exitCode: number | null;
  stopRequested: string | null;
  stopDeadline: Timestamp | null;
  startDeadline: Timestamp | null;
  created: Timestamp;
  updated: Timestamp;
  ended: Timestamp | null;
  resolverBaseline: Json<Record<string, number> | null> | null;
  attempt: Generated<number>;
  restoreLocation: string | null;
  restoreSource: string | null;
  /** The newest checkpoint's location (a URI of the runtime) and the name messages show. */
  latestCheckpoint: string | null;
  latestCheckpointName: string | null;
  loggingApplied: string | null;
  /** When the collector removed the job's folder (log, files, checkpoints); null while it is there. */
  folderRemoved: Timestamp | null;
}

export interface SnapshotsTable {
  id: string;
  realm: string;
  pipelineId: string;
  versionId: string;
  templateId: string;
  jobId: string;
  /** pause or upgrade */
  reason: string;
  /** The snapshot's folder. */
  location: string;
  created: Timestamp;
}

export interface CatalogVersionsTable {
  realm: string;
  catalogHrn: string;
  version: number;
  published: Timestamp;
  publishedBy: string;
}

export interface TriggerDecisionsTable {
  seq: Generated<number>;
  versionId: string;
  at: Timestamp;
  trigger: string;
  observed: Json<Record<string, unknown>>;
  decision: string;
  reason: string;
  jobId: string | null;
  /** What a later identical skip is recognised by (null on rows from before migration 0006). */
  fingerprint: string | null;
  /** Evaluations that came to this same decision: the first, and the repeats counted since. */
  evaluations: Generated<number>;
  /** The latest of them (null: only the first, at `at`). */
  lastEvaluated: Timestamp | null;
}

export interface EgressRulesTable {
  id: string;
  realm: string;
  destination: string;
  destinationType: string;
  description: string | null;
  created: Timestamp;
}

export interface EgressAuditLogTable {
  seq: Generated<number>;
  realm: string;
  created: Timestamp;
  ruleId: string;
  ruleDestination: string;
  action: string;
  principal: string;
}

export interface EventsTable {
  seq: Generated<number>;
  id: string;
  realm: string;
  /** The pipeline's project, so a project-scoped token reads only its project's events. */
  home: string | null;
  type: string;
  source: string;
  subject: string | null;
  time: Timestamp;
  pipelineId: string | null;
  versionId: string | null;
  data: Json<Record<string, unknown>>;
}

export interface WebhookSubscriptionsTable {
  id: string;
  realm: string;
  url: string;
  types: Json<string[]>;
  /** The HMAC key deliveries are signed with (`whsec_` + base64); shown once, at creation. */
  secret: string;
  description: string | null;
  createdBy: string;
  created: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  subscriptionId: string;
  eventSeq: number;
  /** Deliveries with the same key (the event's version id, or '') go out one at a time, in order. */
  orderingKey: string;
  /** pending, delivering (claimed, with a lease), delivered, dead */
  state: string;
  attempts: number;
  nextAttempt: Timestamp;
  claimedBy: string | null;
  leaseUntil: Timestamp | null;
  lastStatus: number | null;
  lastError: string | null;
  created: Timestamp;
  ended: Timestamp | null;
}

export interface WebhookAttemptsTable {
  deliveryId: string;
  attempt: number;
  at: Timestamp;
  durationMs: number;
  status: number | null;
  error: string | null;
  replica: string;
}

export interface VersionStateCountsTable {
  state: string;
  versions: number;
}

export interface VersionStateDeltasTable {
  state: string;
  delta: number;
}

export interface FreshnessWatchesTable {
  versionId: string;
  realm: string;
  catalogHrn: string;
  /** The latest output catalog version seen (−1: none yet). */
  seenVersion: number;
  /** When `seenVersion` was first seen, or when the watch began. */
  freshSince: Timestamp;
  /** When the deadline was missed; null while the output is fresh. */
  missedAt: Timestamp | null;
}

export interface Tables extends AppTables, JobFileTables {
  packages: PackagesTable;
  pipelineTemplates: TemplatesTable;
  pipelines: PipelinesTable;
  pipelineVersions: PipelineVersionsTable;
  operations: OperationsTable;
  jobs: JobsTable;
  snapshots: SnapshotsTable;
  catalogVersions: CatalogVersionsTable;
  triggerDecisions: TriggerDecisionsTable;
  egressRules: EgressRulesTable;
  egressAuditLog: EgressAuditLogTable;
  events: EventsTable;
  webhookSubscriptions: WebhookSubscriptionsTable;
  webhookDeliveries: WebhookDeliveriesTable;
  webhookAttempts: WebhookAttemptsTable;
  versionStateCounts: VersionStateCountsTable;
  versionStateDeltas: VersionStateDeltasTable;
  freshnessWatches: FreshnessWatchesTable;
}

export type PackageRow = Selectable<PackagesTable>;
export type TemplateRow = Selectable<TemplatesTable>;
export type PipelineRow = Selectable<PipelinesTable>;
export type PipelineVersionRow = Selectable<PipelineVersionsTable>;
export type EgressRuleRow = Selectable<EgressRulesTable>;
export type EgressAuditRow = Selectable<EgressAuditLogTable>;
export type OperationRow = Selectable<OperationsTable>;
export type JobRow = Selectable<JobsTable>;
export type SnapshotRow = Selectable<SnapshotsTable>;
export type TriggerDecisionRow = Selectable<TriggerDecisionsTable>;
export type EventRow = Selectable<EventsTable>;
export type WebhookSubscriptionRow = Selectable<WebhookSubscriptionsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;
export type FreshnessWatchRow = Selectable<FreshnessWatchesTable>;
