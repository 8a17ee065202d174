import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Uuid } from './common.js';

export const Snapshot = Type.Object(
  {
    id: Uuid,
    created: DateTime,
    jobId: Uuid,
    pipelineId: Uuid,
    pipelineVersionId: Uuid,
    region: Type.String(),
    templateId: Uuid,
    templateVersionId: Type.Optional(Type.String()),
  },
  { $id: 'Snapshot', title: 'Snapshot', description: 'Stream state saved when a version was paused or upgraded' },
);
export type Snapshot = Static<typeof Snapshot>;

export const SnapshotParams = Type.Object({
  pipelineId: Type.String({ maxLength: 200 }),
  snapshotId: Type.String({ maxLength: 200 }),
});
