import { Type } from '@sinclair/typebox';

export const ResourceProfile = Type.Object(
  {
    id: Type.String(),
    label: Type.String(),
    name: Type.String(),
    cpuPerUnit: Type.Number(),
    memoryInGiBPerUnit: Type.Number(),
    diskInGiBPerUnit: Type.Number(),
  },
  { $id: 'ResourceProfile', title: 'ResourceProfile' },
);

const GcProfile = Type.Object({ id: Type.String(), name: Type.String(), description: Type.String() });

export const RuntimeEnvironment = Type.Object(
  {
    id: Type.String({ description: 'e.g. batch-3.0.0 or stream-5.0' }),
    displayName: Type.String(),
    description: Type.String(),
    availableResourceProfileIds: Type.Array(Type.String()),
    defaultWorkerResourceProfileId: Type.String(),
    defaultSupervisorResourceProfileId: Type.String(),
    maxWorkerUnits: Type.Integer(),
    maxSupervisorUnits: Type.Integer(),
    maxAdditionalOverheadMemory: Type.Number(),
    defaultGcProfile: Type.String(),
    availableGcProfiles: Type.Array(GcProfile),
    deprecationPeriodAnnounced: Type.Optional(Type.String({ format: 'date-time' })),
    deprecationPeriodEnd: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { $id: 'RuntimeEnvironment', title: 'RuntimeEnvironment' },
);

export const RuntimeEnvironmentList = Type.Object({ availableRuntimes: Type.Array(Type.Ref(RuntimeEnvironment)) });
export const ResourceProfileList = Type.Object({ availableResourceProfiles: Type.Array(Type.Ref(ResourceProfile)) });
