import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Description, Uuid } from './common.js';

const Types = Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 50, description: 'Event types delivered (see GET /sluice/v1/events)' });

export const WebhookInput = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL; its host must be allowed by an egress rule of the realm' }),
  types: Types,
  description: Type.Optional(Description),
  secret: Type.Optional(Type.String({
    pattern: '^whsec_[A-Za-z0-9+/]{32,}={0,2}$',
    description: 'Signing secret (whsec_ + base64, at least 24 bytes); made for you when left out',
  })),
}, { additionalProperties: false });
export type WebhookInput = Static<typeof WebhookInput>;

export const Webhook = Type.Object(
  {
    id: Uuid,
    url: Type.String(),
    types: Type.Array(Type.String()),
    description: Type.Optional(Type.String()),
    realm: Type.String(),
    createdBy: Type.String(),
    created: DateTime,
    secret: Type.Optional(Type.String({ description: 'Only in the answer to the creation: keep it, it is not shown again' })),
  },
  { $id: 'Webhook', title: 'Webhook' },
);
export type Webhook = Static<typeof Webhook>;

export const DeliveryState = Type.Union(['pending', 'delivering', 'delivered', 'dead'].map((s) => Type.Literal(s)));

export const WebhookAttempt = Type.Object({
  attempt: Type.Integer(),
  at: DateTime,
  durationMs: Type.Integer(),
  status: Type.Optional(Type.Integer({ description: 'The HTTP status the endpoint answered; absent when it did not answer' })),
  error: Type.Optional(Type.String()),
  replica: Type.String(),
});

export const WebhookDelivery = Type.Object(
  {
    id: Uuid,
    webhookId: Uuid,
    eventId: Type.String(),
    eventType: Type.String(),
    sequence: Type.String(),
    state: DeliveryState,
    attempts: Type.Integer(),
    nextAttempt: Type.Optional(DateTime),
    lastStatus: Type.Optional(Type.Integer()),
    lastError: Type.Optional(Type.String()),
    created: DateTime,
    ended: Type.Optional(DateTime),
    attemptLog: Type.Optional(Type.Array(WebhookAttempt)),
  },
  { $id: 'WebhookDelivery', title: 'WebhookDelivery' },
);
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const WebhookParams = Type.Object({ webhookId: Type.String({ maxLength: 200 }) });
export const DeliveryParams = Type.Object({ webhookId: Type.String({ maxLength: 200 }), deliveryId: Type.String({ maxLength: 200 }) });
export const DeliveryQuery = Type.Object({
  state: Type.Optional(DeliveryState),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'Only deliveries of events before this sequence (paging, newest first)' })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: '1 to 1000, default 100' })),
});
