import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookConfig } from '../config.js';
import { asError } from '../domain/errors.js';
import { cloudEventOf } from '../domain/events.js';
import { egressAllows, retryDelayMs, signatureOf } from '../domain/webhooks.js';
import type { Db } from '../store/database.js';
import { listEgressRules } from '../store/egress-rules.js';
import {
  claimDeliveries, finishAttempt, releaseDeliveries, releaseOwnClaims, type AttemptOutcome, type ClaimedDelivery,
} from '../store/webhook-deliveries.js';
import { signals } from '../telemetry/signals.js';
import type { Clock } from './clock.js';

export interface DelivererDeps {
  db: Db;
  replicaId: string;
  settings: WebhookConfig;
  clock: Clock;
  log: FastifyBaseLogger;
}

/** Beyond the request timeout, how long a claim holds before another replica may take the delivery. */
const LEASE_MARGIN_MS = 30_000;
/** A wake from this process's own append waits this long, so the appending transaction has committed. */
const WAKE_DELAY_MS = 20;

/**
 * Sends webhook deliveries (README: "Events and webhooks"). Runs on every replica; deliveries
 * are claimed from the store (skip locked), so each goes out from one replica at a time.
 *
 * Isolation: at most `concurrency` requests in flight, at most `perSubscription` of them to one
 * subscription, each cut at `timeoutMs`; the next claim happens as soon as any slot frees, not
 * when a batch is done. So a dead or slow endpoint holds a few slots for at most the timeout, its
 * deliveries then back off, and every other subscription keeps flowing. The engine never waits
 * on this: events are queued in its transactions and sent from here.
 */
export class WebhookDeliverer {
  private readonly inFlight = new Map<string, number>();
  private total = 0;
  private timer?: NodeJS.Timeout;
  private wakeTimer?: NodeJS.Timeout;
  private filling?: Promise<void>;
  private fillAgain = false;
  private stopped = false;
  private readonly sending = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: DelivererDeps) {
    this.unsubscribe = signals.on('events.appended', ({ deliveries }) => {
      if (deliveries > 0) this.wakeSoon();
    });
  }

  async start(): Promise<void> {
    await releaseOwnClaims(this.deps.db, this.deps.replicaId, this.deps.clock.now());
    this.timer = setInterval(() => this.fill(), this.deps.settings.pollMs);
    this.timer.unref();
    this.fill();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    clearInterval(this.timer);
    clearTimeout(this.wakeTimer);
    this.abort.abort();
    await this.filling;
    await Promise.allSettled([...this.sending]);
  }

  private wakeSoon(): void {
    if (this.stopped || this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.fill();
    }, WAKE_DELAY_MS);
  }

  /** Claims as many due deliveries as there are free slots and starts sending them. */
  private fill(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.fillAgain = true;
      return;
    }
    this.filling = this.claimAndSend()
      .catch((error) => this.deps.log.error({ err: asError(error) }, 'webhook deliverer: claiming failed'))
      .finally(() => {
        this.filling = undefined;
        if (this.fillAgain) {
          this.fillAgain = false;
          this.fill();
        }
      });
  }

  private async claimAndSend(): Promise<void> {
    const { db, replicaId, settings, clock } = this.deps;
    const free = settings.concurrency - this.total;
    if (free <= 0) return;
    const now = clock.now();
    const full = [...this.inFlight].filter(([, n]) => n >= settings.perSubscription).map(([id]) => id);
    const claimed = await claimDeliveries(db, {
      replica: replicaId, now, leaseUntil: new Date(now.getTime() + settings.timeoutMs + LEASE_MARGIN_MS), limit: free, full,
    });
    const extra: string[] = [];
    for (const delivery of claimed) {
      const count = this.inFlight.get(delivery.subscriptionId) ?? 0;
      if (count >= settings.perSubscription || this.stopped) {
        extra.push(delivery.id);
        continue;
      }
      this.inFlight.set(delivery.subscriptionId, count + 1);
      this.total++;
      const sending = this.send(delivery).finally(() => {
        this.sending.delete(sending);
        this.total--;
        const left = (this.inFlight.get(delivery.subscriptionId) ?? 1) - 1;
        if (left > 0) this.inFlight.set(delivery.subscriptionId, left);
        else this.inFlight.delete(delivery.subscriptionId);
        this.fill();
      });
      this.sending.add(sending);
    }
    await releaseDeliveries(db, replicaId, extra);
    // A full claim: there may be more due right away.
    if (claimed.length === free && extra.length === 0) this.fillAgain = true;
  }

  private async send(delivery: ClaimedDelivery): Promise<void> {
    const { db, replicaId, settings, clock, log } = this.deps;
    const started = performance.now();
    const { status, error } = await this.post(delivery);
    if (this.stopped && status === null) {
      // Cut short by shutdown: not the endpoint's fault, and due again at once after a restart.
      await releaseDeliveries(db, replicaId, [delivery.id]).catch(() => {});
      return;
    }
    const durationMs = performance.now() - started;
    const at = clock.now();
    const delivered = status !== null && status >= 200 && status < 300;
    const giveUp = !delivered && at.getTime() - delivery.created.getTime() >= settings.retryWindowMs;
    const outcome: AttemptOutcome = delivered ? { at, durationMs, status, error: null, state: 'delivered' }
      : giveUp ? { at, durationMs, status, error, state: 'dead' }
      : {
        at, durationMs, status, error, state: 'pending',
        nextAttempt: new Date(at.getTime() + retryDelayMs(delivery.attempt, settings.backoffBaseMs, settings.backoffMaxMs, Math.random())),
      };
    try {
      await finishAttempt(db, replicaId, delivery, outcome);
    } catch (failure) {
      // The claim's lease runs out and the delivery is tried again: at-least-once holds.
      log.error({ err: asError(failure), deliveryId: delivery.id }, 'webhook deliverer: recording an attempt failed');
    }
    signals.emit('webhook.attempt', { outcome: delivered ? 'delivered' : giveUp ? 'dead' : 'failed', durationMs });
    if (giveUp) log.warn({ deliveryId: delivery.id, subscriptionId: delivery.subscriptionId, status, error }, 'webhook delivery dead-lettered');
  }

  /** One POST of the event (structured CloudEvents JSON), signed; the status, or why there is none. */
  private async post(delivery: ClaimedDelivery): Promise<{ status: number | null; error: string | null }> {
    const { db, settings } = this.deps;
    const url = new URL(delivery.url);
    const rules = (await listEgressRules(db, delivery.realm)).map((rule) => rule.destination);
    if (!egressAllows(url.hostname, rules)) return { status: null, error: `no egress rule of the realm allows ${url.hostname} any more` };
    const body = JSON.stringify(cloudEventOf(delivery.event));
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        // Redirects are not followed: they could lead past the egress rules.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(settings.timeoutMs), this.abort.signal]),
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8',
          'user-agent': 'sluice-webhooks',
          'webhook-id': delivery.event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureOf(delivery.secret, delivery.event.id, timestamp, body),
          'sluice-delivery-id': delivery.id,
          'sluice-delivery-attempt': String(delivery.attempt),
        },
      });
      await response.body?.cancel().catch(() => {});
      return { status: response.status, error: response.ok ? null : `answered ${response.status}` };
    } catch (failure) {
      const error = asError(failure);
      const timedOut = error.name === 'TimeoutError';
      return { status: null, error: timedOut ? `no answer within ${settings.timeoutMs} ms` : `${error.message}${causeOf(error)}` };
    }
  }
}

/** fetch says "fetch failed"; the reason (refused, reset, DNS) is its cause. */
function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `: ${cause.message}` : '';
}
