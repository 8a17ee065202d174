import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Uuid } from './common.js';
import { RUN_AS_ID } from './version.js';

const Int64 = Type.Integer({ minimum: -1 });

export const OperationOptions = Type.Object({
  highAvailability: Type.Optional(Type.Boolean({ description: 'Run with a standby (stream: restart from the latest checkpoint when the job dies)' })),
});

export const InputCatalogVersion = Type.Object({
  processingType: Type.Union([Type.Literal('changes'), Type.Literal('reprocess'), Type.Literal('no_changes')]),
  version: Int64,
  sinceVersion: Type.Optional(Int64),
});

export const OutputCatalogVersion = Type.Object({ baseVersion: Int64 });

export const JobCatalogVersions = Type.Object(
  {
    highAvailability: Type.Optional(Type.Boolean()),
    inputCatalogs: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]+$' }), InputCatalogVersion)),
    outputCatalog: Type.Optional(OutputCatalogVersion),
    runAsId: Type.Optional(Type.String({ pattern: RUN_AS_ID })),
    snapshotId: Type.Optional(Uuid),
    useLatestCheckpoint: Type.Optional(Type.Boolean()),
  },
  { title: 'JobCatalogVersions' },
);
export type JobCatalogVersions = Static<typeof JobCatalogVersions>;

export const UpgradeRequest = Type.Object(
  {
    highAvailability: Type.Optional(Type.Boolean()),
    toVersionId: Uuid,
    runAsId: Type.Optional(Type.String({ pattern: RUN_AS_ID })),
  },
  { title: 'UpgradeRequest' },
);

export const RequestType = Type.Union([
  'activate', 'deactivate', 'pause', 'resume', 'cancel', 'upgrade', 'restart', 'run', 'job_terminate', 'job_terminate_to_ready', 'maintenance',
].map((t) => Type.Literal(t)));

export const OperationState = Type.Union(['accepted', 'being_processed', 'succeeded', 'failed'].map((s) => Type.Literal(s)));

export const Operation = Type.Object(
  {
    id: Uuid,
    pipelineVersionId: Uuid,
    requestType: RequestType,
    state: OperationState,
    message: Type.Optional(Type.String()),
    userId: Type.String(),
    clientId: Type.Optional(Type.String()),
    runAsId: Type.Optional(Type.String()),
    created: DateTime,
    options: Type.Optional(OperationOptions),
  },
  { $id: 'Operation', title: 'Operation' },
);
export type Operation = Static<typeof Operation>;

export const Job = Type.Object(
  {
    id: Uuid,
    state: Type.Union(['starting', 'running', 'completed', 'failed', 'canceled'].map((s) => Type.Literal(s))),
    catalogVersions: Type.Optional(Type.Object({
      inputCatalogs: Type.Optional(Type.Record(Type.String(), InputCatalogVersion)),
      outputCatalog: Type.Optional(OutputCatalogVersion),
    })),
    created: DateTime,
    updated: DateTime,
    runAsId: Type.Optional(Type.String()),
    runtimeEnvironmentPatch: Type.Optional(Type.String()),
    loggingUrl: Type.String(),
    pipelineUIUrl: Type.Optional(Type.String()),
    executionMode: Type.Union([Type.Literal('on-demand'), Type.Literal('scheduled'), Type.Literal('time-schedule')]),
    highAvailability: Type.Boolean(),
    actualRegionId: Type.String(),
    pipelineVersionId: Uuid,
  },
  { $id: 'Job', title: 'Job' },
);
export type Job = Static<typeof Job>;

export const OperationParams = Type.Object({
  pipelineId: Type.String({ maxLength: 200 }),
  versionId: Type.String({ maxLength: 200 }),
  operationId: Type.String({ maxLength: 200 }),
});
