import { Type } from '@sinclair/typebox';

export const RuntimeEnvironment = Type.Object(
  {
    id: Type.String({ description: 'e.g. batch-3.0.0, stream-5.0' }),
    displayName: Type.String(),
    description: Type.String(),
    availableResourceProfileIds: Type.Array(Type.String()),
    defaultWorkerResourceProfileId: Type.String(),
    defaultSupervisorResourceProfileId: Type.String(),
    maxWorkerUnits: Type.Integer(),
    maxSupervisorUnits: Type.Integer(),
    maxAdditionalOverheadMemory: Type.Number(),
    defaultGcProfile: Type.String(),
    availableGcProfiles: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), description: Type.String() })),
    deprecationPeriodAnnounced: Type.Optional(Type.String({ format: 'date-time' })),
    deprecationPeriodEnd: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { title: 'RuntimeEnvironment' },
);

export const ResourceProfile = Type.Object(
  {
    id: Type.String(),
    label: Type.String(),
    name: Type.String(),
    cpuPerUnit: Type.Number(),
    memoryInGiBPerUnit: Type.Number(),
    diskInGiBPerUnit: Type.Number(),
  },
  { title: 'ResourceProfile' },
);
