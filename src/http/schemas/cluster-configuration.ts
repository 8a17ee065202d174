import { Type } from '@sinclair/typebox';

const Units = Type.Integer({ minimum: 1, maximum: 15 });
const Overhead = Type.Number({ minimum: 0, description: 'Extra memory share, in steps of 0.01 (runtime maximum, default 0.05)' });

const fields = {
  workers: Type.Integer({ minimum: 1, maximum: 199 }),
  workerUnits: Units,
  workerResourceProfileId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  workerAdditionalOverheadMemory: Type.Optional(Overhead),
  supervisorUnits: Units,
  supervisorResourceProfileId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  supervisorAdditionalOverheadMemory: Type.Optional(Overhead),
  gcProfile: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
};

/** For request bodies (inlined, so the handler's type is known). */
export const ClusterConfigurationInput = Type.Object(fields, { title: 'ClusterConfiguration' });
/** The shared component referenced by responses. */
export const ClusterConfiguration = Type.Object(fields, { $id: 'ClusterConfiguration', title: 'ClusterConfiguration' });
