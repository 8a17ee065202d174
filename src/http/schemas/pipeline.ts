import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Description, GroupId, Name, Uuid } from './common.js';

export const PipelineInput = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    groupId: Type.Optional(GroupId),
    contactEmail: Type.Optional(Type.String({ maxLength: 256, format: 'email' })),
  },
  { title: 'PipelineInput' },
);
export type PipelineInput = Static<typeof PipelineInput>;

export const Pipeline = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    description: Type.Optional(Type.String()),
    realm: Type.String(),
    groupId: Type.Optional(Type.String()),
    hrn: Type.String(),
    contactEmail: Type.Optional(Type.String()),
    home: Type.Optional(Type.String()),
    homeStatus: Type.Optional(Type.Integer()),
    created: DateTime,
    updated: DateTime,
  },
  { $id: 'Pipeline', title: 'Pipeline' },
);
export type Pipeline = Static<typeof Pipeline>;
