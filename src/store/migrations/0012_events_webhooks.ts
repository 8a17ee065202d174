import { sql, type Kysely } from 'kysely';

/**
 * The durable event log and webhook deliveries (README: "Events and webhooks").
 *
 * `events.seq` is the log's order and its readers' cursor. Appends take a transaction-scoped
 * advisory lock (store/events.ts), so a sequence number is only ever handed out after every
 * smaller one has committed or rolled back: a reader resuming after N never misses a later commit
 * of a smaller number.
 *
 * Each delivery is one event for one subscription, written in the same statement batch as the
 * event. Deliveries of one subscription and one ordering key (the event's version) go out one at
 * a time in `event_seq` order; `delivering` rows carry a lease, so a replica killed mid-delivery
 * leaves a row another (or itself, restarted) takes again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create table events (
       seq bigserial primary key,
       id uuid not null unique,
       realm text not null,
       home text,
       type text not null,
       source text not null,
       subject text,
       time timestamptz not null,
       pipeline_id uuid,
       version_id uuid,
       data jsonb not null
     )`,
    `create index events_realm on events (realm, seq)`,
    `create index events_time on events (time)`,
    `create table webhook_subscriptions (
       id uuid primary key,
       realm text not null,
       url text not null,
       types jsonb not null,
       secret text not null,
       description text,
       created_by text not null,
       created timestamptz not null
     )`,
    `create index webhook_subscriptions_realm on webhook_subscriptions (realm, created)`,
    `create table webhook_deliveries (
       id uuid primary key,
       subscription_id uuid not null references webhook_subscriptions (id) on delete cascade,
       event_seq bigint not null references events (seq) on delete cascade,
       ordering_key text not null,
       state text not null,
       attempts integer not null default 0,
       next_attempt timestamptz not null,
       claimed_by text,
       lease_until timestamptz,
       last_status integer,
       last_error text,
       created timestamptz not null,
       ended timestamptz
     )`,
    // What the deliverer claims, and the head-of-line check of each (subscription, version).
    `create index webhook_deliveries_due on webhook_deliveries (next_attempt) where state in ('pending', 'delivering')`,
    `create index webhook_deliveries_order on webhook_deliveries (subscription_id, ordering_key, event_seq) where state in ('pending', 'delivering')`,
    // The delivery log of a subscription, newest first, and the gauge of deliveries not delivered.
    `create index webhook_deliveries_log on webhook_deliveries (subscription_id, event_seq)`,
    `create index webhook_deliveries_open on webhook_deliveries (state) where state in ('pending', 'delivering', 'dead')`,
    `create table webhook_attempts (
       delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
       attempt integer not null,
       at timestamptz not null,
       duration_ms integer not null,
       status integer,
       error text,
       replica text not null,
       primary key (delivery_id, attempt)
     )`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
