import type { Db } from './database.js';
import type { WebhookSubscriptionRow } from './schema.js';

export interface NewSubscription {
  id: string;
  realm: string;
  url: string;
  types: string[];
  secret: string;
  description?: string;
  createdBy: string;
  created: Date;
}

/** Subscriptions are realm-wide, like egress rules: every project's events of the realm reach them. */
export async function insertSubscription(db: Db, subscription: NewSubscription): Promise<WebhookSubscriptionRow> {
  return db.insertInto('webhookSubscriptions').values({
    ...subscription,
    types: JSON.stringify(subscription.types),
    description: subscription.description ?? null,
  }).returningAll().executeTakeFirstOrThrow();
}

export async function listSubscriptions(db: Db, realm: string): Promise<WebhookSubscriptionRow[]> {
  return db.selectFrom('webhookSubscriptions').selectAll().where('realm', '=', realm).orderBy('created').orderBy('id').execute();
}

export async function findSubscription(db: Db, realm: string, id: string): Promise<WebhookSubscriptionRow | undefined> {
  return db.selectFrom('webhookSubscriptions').selectAll().where('realm', '=', realm).where('id', '=', id).executeTakeFirst();
}

/** Deletes the subscription with its deliveries and their attempts (foreign keys cascade). */
export async function deleteSubscription(db: Db, realm: string, id: string): Promise<boolean> {
  const row = await db.deleteFrom('webhookSubscriptions').where('realm', '=', realm).where('id', '=', id).returning('id').executeTakeFirst();
  return row !== undefined;
}
