/**
 * The response bodies the adapter reads, as JSON schemas written by hand from Flink's published
 * OpenAPI document of the dispatcher: `docs/static/generated/rest_v1_dispatcher.yml` in
 * apache/flink (info.version `v1/1.15-SNAPSHOT`), components/schemas of the same names. Only the
 * properties Sluice reads or the fake writes are listed; like the document, extra properties are
 * allowed. Where the document and a running cluster differ, the schema follows the cluster and
 * says so:
 * - `CheckpointStatistics` lists its discriminator as `clazz`; Flink's Jackson annotation
 *   (`@JsonTypeInfo(property = "className")`) writes `className`, which is what clients see.
 * - `latest.completed`/`savepoint`/`failed`/`restored` are null while there is none (the
 *   document has no `nullable`).
 * - `JobDetailsInfo.plan` is documented as a string; it is the plan's JSON object.
 * - `JarRunRequestBody.flinkConfiguration` (1.17, FLIP-256) and `claimMode` (2.0) are newer than
 *   the document.
 */
import { Type, type TSchema } from '@sinclair/typebox';

const int = Type.Integer();
const hex32 = Type.String({ pattern: '^[0-9a-f]{32}$' });
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const JobStatus = Type.Union(['INITIALIZING', 'CREATED', 'RUNNING', 'FAILING', 'FAILED', 'CANCELLING', 'CANCELED',
  'FINISHED', 'RESTARTING', 'SUSPENDED', 'RECONCILING'].map((s) => Type.Literal(s)));

export const ErrorResponseBody = Type.Object({ errors: Type.Array(Type.String(), { minItems: 1 }) });

export const DashboardConfiguration = Type.Object({
  'refresh-interval': int,
  'timezone-name': Type.String(),
  'timezone-offset': int,
  'flink-version': Type.String(),
  'flink-revision': Type.String(),
  features: Type.Object({ 'web-submit': Type.Boolean(), 'web-cancel': Type.Boolean() }),
});

export const ClusterOverviewWithVersion = Type.Object({
  taskmanagers: int,
  'slots-total': int,
  'slots-available': int,
  'jobs-running': int,
  'jobs-finished': int,
  'jobs-cancelled': int,
  'jobs-failed': int,
  'flink-version': Type.String(),
  'flink-commit': Type.String(),
});

export const ClusterConfigurationInfo = Type.Array(Type.Object({ key: Type.String(), value: Type.String() }));

export const JarUploadResponseBody = Type.Object({ filename: Type.String(), status: Type.Literal('success') });

export const JarListInfo = Type.Object({
  address: Type.String(),
  files: Type.Array(Type.Object({
    id: Type.String(),
    name: Type.String(),
    uploaded: int,
    entry: Type.Array(Type.Object({ name: Type.String(), description: nullable(Type.String()) })),
  })),
});

export const JarRunResponseBody = Type.Object({ jobid: hex32 });

export const JobIdsWithStatusOverview = Type.Object({ jobs: Type.Array(Type.Object({ id: hex32, status: JobStatus })) });

export const JobDetailsInfo = Type.Object({
  jid: hex32,
  name: Type.String(),
  isStoppable: Type.Boolean(),
  state: JobStatus,
  'start-time': int,
  'end-time': int,
  duration: int,
  maxParallelism: int,
  now: int,
  timestamps: Type.Record(Type.String(), int),
  vertices: Type.Array(Type.Object({ id: hex32, name: Type.String(), parallelism: int, maxParallelism: int })),
  'status-counts': Type.Record(Type.String(), int),
});

const RootExceptionInfo = Type.Object({
  exceptionName: Type.String(),
  stacktrace: Type.String(),
  timestamp: int,
  taskName: nullable(Type.String()),
  location: nullable(Type.String()),
  concurrentExceptions: Type.Array(Type.Object({ exceptionName: Type.String(), stacktrace: Type.String(), timestamp: int })),
});

export const JobExceptionsInfoWithHistory = Type.Object({
  exceptionHistory: Type.Object({ entries: Type.Array(RootExceptionInfo), truncated: Type.Boolean() }),
});

/** 1.x still sends the deprecated top-level fields beside the history. */
export const JobExceptionsInfo1x = Type.Intersect([JobExceptionsInfoWithHistory, Type.Object({
  'root-exception': nullable(Type.String()),
  timestamp: nullable(int),
  'all-exceptions': Type.Array(Type.Object({ exception: Type.String(), task: Type.String(), location: Type.String(), timestamp: int })),
  truncated: Type.Boolean(),
})]);

const CompletedCheckpointStatistics = Type.Object({
  className: Type.Literal('completed'),
  id: int,
  status: Type.Union([Type.Literal('IN_PROGRESS'), Type.Literal('COMPLETED'), Type.Literal('FAILED')]),
  is_savepoint: Type.Boolean(),
  trigger_timestamp: int,
  latest_ack_timestamp: int,
  state_size: int,
  end_to_end_duration: int,
  num_subtasks: int,
  num_acknowledged_subtasks: int,
  checkpoint_type: Type.Union([Type.Literal('CHECKPOINT'), Type.Literal('SAVEPOINT'), Type.Literal('SYNC_SAVEPOINT')]),
  external_path: Type.String(),
  discarded: Type.Boolean(),
});

export const CheckpointingStatistics = Type.Object({
  counts: Type.Object({ restored: int, total: int, in_progress: int, completed: int, failed: int }),
  summary: Type.Object({}),
  latest: Type.Object({
    completed: nullable(CompletedCheckpointStatistics),
    savepoint: nullable(CompletedCheckpointStatistics),
    failed: nullable(Type.Object({ id: int, failure_timestamp: int, failure_message: Type.String() })),
    restored: nullable(Type.Object({ id: int, restore_timestamp: int, is_savepoint: Type.Boolean(), external_path: Type.String() })),
  }),
  history: Type.Array(CompletedCheckpointStatistics),
});

export const TriggerResponse = Type.Object({ 'request-id': hex32 });

const SerializedThrowable = Type.Object({ 'serialized-throwable': Type.String() });

/** QueueStatus plus either SavepointInfo (a location) or the failure (COMPLETED + failure-cause). */
export const AsynchronousOperationResult = Type.Object({
  status: Type.Object({ id: Type.Union([Type.Literal('IN_PROGRESS'), Type.Literal('COMPLETED')]) }),
  operation: nullable(Type.Union([
    Type.Object({ location: Type.String() }),
    Type.Object({ 'failure-cause': SerializedThrowable }),
  ])),
});
