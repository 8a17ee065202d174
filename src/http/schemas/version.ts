import { Type, type Static } from '@sinclair/typebox';
import { BooleanText, DateTime, Name, Uuid } from './common.js';
import { ClusterConfiguration, ClusterConfigurationInput } from './cluster-configuration.js';
import { RuntimeProperties } from './template.js';

export const CATALOG_HRN = '^hrn:(here|here-dev):data:::[a-z][a-z0-9-]{2,62}$';
export const RUN_AS_ID = '^hrn:(here|here-dev|here-cn|here-cn-dev):account:[a-zA-Z-]*:[a-zA-Z-]+:[a-zA-Z0-9/-]{3,63}$';

export const SchedulerConfiguration = Type.Object(
  {
    catalogTriggerOptions: Type.Optional(Type.Literal('version_resolver')),
    timeTriggerOptions: Type.Optional(Type.Object({
      cronJobExpression: Type.String({ minLength: 1, maxLength: 256, description: 'Linux crontab, evaluated in UTC' }),
      processingType: Type.Union([Type.Literal('changes'), Type.Literal('force')]),
    })),
    freshnessOptions: Type.Optional(Type.Object({
      maxAge: Type.String({ minLength: 2, maxLength: 32, description: 'ISO 8601 duration (PT6H, P1D): the output catalog must get a new version within it' }),
    }, { description: 'Sluice extension: a freshness deadline for the output catalog while the version is scheduled (README: "Freshness deadlines")' })),
  },
  { title: 'SchedulerConfiguration', description: 'Exactly one of the two trigger options; {} for none' },
);
export type SchedulerConfiguration = Static<typeof SchedulerConfiguration>;

export const LogLevel = Type.Union([Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug')]);

export const LoggingConfiguration = Type.Object(
  {
    configuration: Type.Object({
      loggers: Type.Object({
        root: Type.Object({ level: LogLevel }),
        logger: Type.Optional(Type.Array(
          Type.Object({ name: Type.String({ minLength: 1, maxLength: 512, pattern: '^[A-Za-z0-9_$.-]+$' }), level: LogLevel }),
          { maxItems: 200 },
        )),
      }),
    }),
  },
  { title: 'LoggingConfiguration' },
);

export const PipelineVersionInput = Type.Object(
  {
    name: Name,
    pipelineTemplateId: Uuid,
    // additionalProperties: a Record keyed by a pattern would otherwise let any other key through unchecked.
    inputCatalogs: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]+$' }), Type.String({ pattern: CATALOG_HRN }), { additionalProperties: false }),
    outputCatalogHRN: Type.String({ pattern: CATALOG_HRN }),
    schedulerConfiguration: Type.Optional(SchedulerConfiguration),
    clusterConfiguration: Type.Optional(ClusterConfigurationInput),
    customRuntimeConfiguration: Type.Optional(RuntimeProperties),
    streamConfiguration: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 256 }))),
    runAsId: Type.Optional(Type.String({ pattern: RUN_AS_ID })),
    billingTag: Type.Optional(Type.String({ minLength: 4, maxLength: 16, pattern: '^[0-9a-zA-Z_-]*$' })),
    multiRegionEnabled: Type.Optional(Type.Boolean()),
  },
  { title: 'PipelineVersionInput' },
);
export type PipelineVersionInput = Static<typeof PipelineVersionInput>;

export const VersionState = Type.Union([Type.Literal('ready'), Type.Literal('scheduled'), Type.Literal('running'), Type.Literal('paused')]);

export const PipelineVersion = Type.Object(
  {
    id: Uuid,
    pipelineId: Uuid,
    name: Type.String(),
    state: VersionState,
    pipelineTemplateId: Uuid,
    inputCatalogs: Type.Record(Type.String(), Type.String()),
    outputCatalogHRN: Type.String(),
    schedulerConfiguration: Type.Optional(SchedulerConfiguration),
    nextJobAttempt: Type.Optional(DateTime),
    versionNumber: Type.Integer(),
    clusterConfiguration: Type.Ref(ClusterConfiguration),
    customRuntimeConfiguration: Type.Optional(Type.String()),
    streamConfiguration: Type.Optional(Type.Record(Type.String(), Type.String())),
    runAsId: Type.Optional(Type.String()),
    runtimeEnvironmentPatch: Type.Optional(Type.String()),
    billingTag: Type.Optional(Type.String()),
    loggingUrl: Type.Optional(Type.String()),
    pipelineUIUrl: Type.Optional(Type.String()),
    latestOperation: Type.Optional(Type.Ref('Operation')),
    latestJob: Type.Optional(Type.Ref('Job')),
    multiRegionEnabled: Type.Boolean(),
    targetRegionId: Type.String(),
    created: DateTime,
    updated: DateTime,
  },
  { $id: 'PipelineVersion', title: 'PipelineVersion' },
);
export type PipelineVersion = Static<typeof PipelineVersion>;

export const VersionParams = Type.Object({
  pipelineId: Type.String({ description: 'UUID or HRN of the pipeline', maxLength: 200 }),
  versionId: Type.String({ maxLength: 200 }),
});

export const VerboseQuery = Type.Object({ verbose: Type.Optional(BooleanText) });

/** Paging is a Sluice extension (the contract lists every version): without `limit`, all of them. */
export const VersionListQuery = Type.Object({
  verbose: Type.Optional(BooleanText),
  limit: Type.Optional(Type.String({
    pattern: '^([1-9][0-9]{0,2}|1000)$',
    description: 'At most this many versions (1 to 1000); when more follow, the Link header (rel="next") names the next page',
  })),
  after: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: 'Only versions with a greater versionNumber' })),
});
