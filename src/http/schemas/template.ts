import { Type, type Static } from '@sinclair/typebox';
import { BooleanText, DateTime, Description, GroupId, Name, Uuid } from './common.js';
import { ClusterConfiguration, ClusterConfigurationInput } from './cluster-configuration.js';

export const JAVA_CLASS_NAME = '^([A-Za-z_$][A-Za-z0-9_$]*\\.)*[A-Za-z_$][A-Za-z0-9_$]*$';
export const CATALOG_LABEL = '^[A-Za-z0-9_-]+$';

export const RuntimeProperties = Type.String({
  maxLength: 10243,
  description: 'Java properties text: name ≤ 2048, value ≤ 8192, whole ≤ 10243 characters',
});

export const TemplateInput = Type.Object(
  {
    name: Name,
    packageId: Uuid,
    entryPointClassName: Type.String({ pattern: JAVA_CLASS_NAME, maxLength: 1024 }),
    runtimeEnvironment: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    defaultClusterConfiguration: ClusterConfigurationInput,
    inputCatalogIds: Type.Array(Type.String({ pattern: CATALOG_LABEL, minLength: 1, maxLength: 64 }), { maxItems: 100 }),
    groupId: Type.Optional(GroupId),
    description: Type.Optional(Description),
    defaultRuntimeConfiguration: Type.Optional(RuntimeProperties),
  },
  { title: 'PipelineTemplateInput' },
);
export type TemplateInput = Static<typeof TemplateInput>;

export const TemplateState = Type.Union([Type.Literal('creating'), Type.Literal('created'), Type.Literal('creation_failed')]);

export const Template = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    state: TemplateState,
    stateMessage: Type.Optional(Type.String({ description: 'Sluice extension: why creation failed' })),
    runtimeEnvironment: Type.String(),
    packageId: Uuid,
    entryPointClassName: Type.String(),
    groupId: Type.Optional(Type.String()),
    hrn: Type.String(),
    defaultClusterConfiguration: Type.Ref(ClusterConfiguration),
    inputCatalogIds: Type.Array(Type.String()),
    description: Type.Optional(Type.String()),
    defaultRuntimeConfiguration: Type.Optional(Type.String()),
    realm: Type.String(),
    created: DateTime,
    updated: DateTime,
  },
  { $id: 'PipelineTemplate', title: 'PipelineTemplate' },
);
export type Template = Static<typeof Template>;

export const TemplateIdParams = Type.Object({
  templateId: Type.String({ description: 'UUID or HRN of the template', maxLength: 200 }),
});

export const TemplateListQuery = Type.Object({
  linkable: Type.Optional(BooleanText),
});
