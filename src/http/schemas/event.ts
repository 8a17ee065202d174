import { Type, type Static } from '@sinclair/typebox';
import { EVENT_TYPES } from '../../domain/events.js';
import { DateTime } from './common.js';

export const EventType = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));

export const CloudEvent = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: Type.String(),
    source: Type.String({ description: 'The version the event happened to: /v2/pipelines/{pipelineId}/versions/{versionId}' }),
    type: Type.String(),
    subject: Type.Optional(Type.String({ description: 'The resource, relative to the source: operations/{id}, jobs/{id}, trigger-decisions/{seq}' })),
    time: DateTime,
    datacontenttype: Type.Literal('application/json'),
    sequence: Type.String({ description: 'The event\'s place in the log; pass it as `since` to read what follows' }),
    partitionkey: Type.Optional(Type.String({ description: 'The version id: events of one version are delivered in sequence order' })),
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'CloudEvent', title: 'CloudEvent', description: 'A CloudEvents 1.0 event in JSON format' },
);

export const EventPage = Type.Object(
  {
    events: Type.Array(Type.Ref(CloudEvent)),
    next: Type.String({ description: 'The cursor to pass as `since` for the next page (the same cursor when no event came)' }),
  },
  { $id: 'EventPage', title: 'EventPage' },
);

export const EventQuery = Type.Object({
  since: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'A cursor: `next` of the previous page, or an event\'s `sequence`; absent: from the oldest event kept' })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'Events per page, 1 to 1000 (default 100)' })),
  types: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated event types to read (default: all)' })),
});
export type EventQuery = Static<typeof EventQuery>;
