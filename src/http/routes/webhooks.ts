import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../auth/principal.js';
import { parameterError, invalidState, notFound, validationError } from '../../domain/errors.js';
import { isUuid } from '../../domain/hrn.js';
import { newSecret, subscriptionProblems } from '../../domain/webhooks.js';
import type { Services } from '../../services.js';
import { listEgressRules } from '../../store/egress-rules.js';
import type { WebhookSubscriptionRow } from '../../store/schema.js';
import { findDelivery, listDeliveries, redeliver } from '../../store/webhook-deliveries.js';
import * as subscriptions from '../../store/webhook-subscriptions.js';
import { principal } from '../auth-hook.js';
import { orgAdminOnly } from '../org-admin.js';
import { presentDelivery, presentWebhook } from '../present-webhook.js';
import { errors } from '../schemas/common.js';
import { DeliveryParams, DeliveryQuery, Webhook, WebhookDelivery, WebhookInput, WebhookParams } from '../schemas/webhook.js';
import type { TypedApp } from './types.js';

const tags = ['Webhooks'];

/** A malformed id names nothing: 404 like an unknown one (another realm's is unknown too). */
async function webhookFromPath(services: Services, caller: Principal, id: string): Promise<WebhookSubscriptionRow> {
  const row = isUuid(id) ? await subscriptions.findSubscription(services.db, caller.realm, id.toLowerCase()) : undefined;
  if (!row) throw notFound('Webhook', id);
  return row;
}

/**
 * Webhook subscriptions of the realm and their delivery logs: OrgAdmin only, every route (the
 * delivery log shows what the realm's endpoints answered). Realm-wide like egress rules.
 */
export function webhookRoutes(app: TypedApp, services: Services): void {
  const admin = (action: string) => ({ preValidation: orgAdminOnly(action) });

  app.post('/sluice/v1/webhooks', {
    ...admin('subscribe webhooks'),
    schema: { tags, summary: 'Subscribe a URL to event types', body: WebhookInput, response: { 201: Type.Ref(Webhook), ...errors(400, 403) } },
  }, async (request, reply) => {
    const caller = principal(request);
    const input = request.body;
    const egress = (await listEgressRules(services.db, caller.realm)).map((rule) => rule.destination);
    const problems = subscriptionProblems(input, egress);
    if (problems.length > 0) throw validationError(problems, `Validation failed: ${problems[0].field} ${problems[0].message}`);
    const row = await subscriptions.insertSubscription(services.db, {
      id: randomUUID(),
      realm: caller.realm,
      url: input.url,
      types: input.types,
      secret: input.secret ?? newSecret(),
      description: input.description,
      createdBy: caller.userId,
      created: services.now(),
    });
    return reply.status(201).send(presentWebhook(row, true));
  });

  app.get('/sluice/v1/webhooks', {
    ...admin('list webhooks'),
    schema: { tags, summary: 'The realm\'s webhooks', response: { 200: Type.Array(Type.Ref(Webhook)), ...errors(403) } },
  }, async (request) => (await subscriptions.listSubscriptions(services.db, principal(request).realm)).map((row) => presentWebhook(row)));

  app.get('/sluice/v1/webhooks/:webhookId', {
    ...admin('read webhooks'),
    schema: { tags, summary: 'One webhook', params: WebhookParams, response: { 200: Type.Ref(Webhook), ...errors(403, 404) } },
  }, async (request) => presentWebhook(await webhookFromPath(services, principal(request), request.params.webhookId)));

  app.delete('/sluice/v1/webhooks/:webhookId', {
    ...admin('delete webhooks'),
    schema: { tags, summary: 'Unsubscribe (its deliveries go with it)', params: WebhookParams, response: { 204: Type.Null(), ...errors(403, 404) } },
  }, async (request, reply) => {
    const caller = principal(request);
    const { webhookId } = request.params;
    const deleted = isUuid(webhookId) && await subscriptions.deleteSubscription(services.db, caller.realm, webhookId.toLowerCase());
    if (!deleted) throw notFound('Webhook', webhookId);
    return reply.status(204).send(null);
  });

  app.get('/sluice/v1/webhooks/:webhookId/deliveries', {
    ...admin('read webhook deliveries'),
    schema: {
      tags, summary: 'The delivery log, newest event first; state=dead is the dead-letter list', params: WebhookParams, querystring: DeliveryQuery,
      response: { 200: Type.Array(Type.Ref(WebhookDelivery)), ...errors(400, 403, 404) },
    },
  }, async (request) => {
    const webhook = await webhookFromPath(services, principal(request), request.params.webhookId);
    const { state, before, limit } = request.query;
    const count = limit === undefined ? 100 : Number(limit);
    if (count < 1 || count > 1000) throw parameterError('query', 'limit', 'must be from 1 to 1000', limit);
    const rows = await listDeliveries(services.db, webhook.id, { state, before: before === undefined ? undefined : Number(before), limit: count });
    return rows.map((row) => presentDelivery(row));
  });

  app.get('/sluice/v1/webhooks/:webhookId/deliveries/:deliveryId', {
    ...admin('read webhook deliveries'),
    schema: { tags, summary: 'One delivery with every attempt', params: DeliveryParams, response: { 200: Type.Ref(WebhookDelivery), ...errors(403, 404) } },
  }, async (request) => {
    const webhook = await webhookFromPath(services, principal(request), request.params.webhookId);
    const { deliveryId } = request.params;
    const found = isUuid(deliveryId) ? await findDelivery(services.db, webhook.id, deliveryId.toLowerCase()) : undefined;
    if (!found) throw notFound('Delivery', deliveryId);
    return presentDelivery(found.delivery, found.attempts);
  });

  app.post('/sluice/v1/webhooks/:webhookId/deliveries/:deliveryId/redeliver', {
    ...admin('redeliver webhook deliveries'),
    schema: { tags, summary: 'Queue a dead delivery again', params: DeliveryParams, response: { 202: Type.Ref(WebhookDelivery), ...errors(400, 403, 404) } },
  }, async (request, reply) => {
    const webhook = await webhookFromPath(services, principal(request), request.params.webhookId);
    const { deliveryId } = request.params;
    const id = isUuid(deliveryId) ? deliveryId.toLowerCase() : undefined;
    const found = id ? await findDelivery(services.db, webhook.id, id) : undefined;
    if (!found) throw notFound('Delivery', deliveryId);
    if (!(await redeliver(services.db, webhook.id, found.delivery.id, services.now()))) {
      throw invalidState(`Delivery ${found.delivery.id} is ${found.delivery.state}; only a dead delivery can be redelivered.`);
    }
    const again = await findDelivery(services.db, webhook.id, found.delivery.id);
    return reply.status(202).send(presentDelivery(again!.delivery, again!.attempts));
  });
}
