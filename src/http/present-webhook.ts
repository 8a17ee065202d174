import type { DeliveryWithEvent } from '../store/webhook-deliveries.js';
import type { WebhookAttemptRow, WebhookSubscriptionRow } from '../store/schema.js';
import { compact, iso } from './present.js';
import type { Webhook, WebhookDelivery } from './schemas/webhook.js';

/** The secret only when `withSecret` (the creation's answer). */
export function presentWebhook(row: WebhookSubscriptionRow, withSecret = false): Webhook {
  return compact({
    id: row.id,
    url: row.url,
    types: row.types,
    description: row.description ?? undefined,
    realm: row.realm,
    createdBy: row.createdBy,
    created: iso(row.created),
    secret: withSecret ? row.secret : undefined,
  });
}

export function presentDelivery(row: DeliveryWithEvent, attempts?: WebhookAttemptRow[]): WebhookDelivery {
  return compact({
    id: row.id,
    webhookId: row.subscriptionId,
    eventId: row.eventId,
    eventType: row.eventType,
    sequence: String(row.eventSeq),
    state: row.state as WebhookDelivery['state'],
    attempts: row.attempts,
    nextAttempt: row.state === 'pending' ? iso(row.nextAttempt) : undefined,
    lastStatus: row.lastStatus ?? undefined,
    lastError: row.lastError ?? undefined,
    created: iso(row.created),
    ended: row.ended ? iso(row.ended) : undefined,
    attemptLog: attempts?.map((a) => compact({
      attempt: a.attempt, at: iso(a.at), durationMs: a.durationMs, status: a.status ?? undefined, error: a.error ?? undefined, replica: a.replica,
    })),
  });
}
