import { createHmac, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { checkDestination } from './egress-destination.js';
import { ErrorCodes, type FieldError } from './errors.js';
import { EVENT_TYPES, isEventType } from './events.js';

/**
 * Webhook rules (README: "Events and webhooks"): where a subscription may point, how a delivery
 * is signed, and when a failed one is tried again.
 */

export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes, base64, behind the Standard Webhooks prefix. */
export const newSecret = () => SECRET_PREFIX + randomBytes(32).toString('base64');

/**
 * The `webhook-signature` header value (Standard Webhooks): HMAC-SHA256, keyed with the
 * secret's base64-decoded bytes, of `<webhook-id>.<webhook-timestamp>.<body>`, in base64 after `v1,`.
 */
export function signatureOf(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failures: exponential from `baseMs`, capped at
 * `maxMs`, then spread ±50 % (`random` in [0, 1)) so endpoints that failed together are not all
 * retried together. With the defaults (10 s, 1 h) a delivery is tried about 30 times in 24 h.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(exponential * (0.5 + random));
}

/**
 * Whether a realm's egress rules let a job (or a webhook) reach `host`: a rule naming the host
 * or address itself, or a `*.domain` rule and a host below that domain (not the domain itself).
 */
export function egressAllows(host: string, destinations: readonly string[]): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const checked = checkDestination(isIP(bare) === 6 ? `[${bare}]` : bare);
  if (!checked.ok) return false;
  const name = checked.destination;
  return destinations.some((rule) => rule === name || (rule.startsWith('*.') && name.endsWith(rule.slice(1))));
}

export interface SubscriptionInput {
  url: string;
  types: string[];
  secret?: string;
}

/** Everything wrong with a subscription, each with the field it is about. */
export function subscriptionProblems(input: SubscriptionInput, egressDestinations: readonly string[]): FieldError[] {
  const problems: FieldError[] = [];
  const problem = (field: string, message: string, invalidValue: unknown) =>
    problems.push({ field, message, invalidValue, code: ErrorCodes.validation });
  let url: URL | undefined;
  try {
    url = new URL(input.url);
  } catch {
    problem('/url', 'must be an absolute http or https URL', input.url);
  }
  if (url) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problem('/url', 'must be an http or https URL', input.url);
    else if (url.username || url.password) problem('/url', 'must not carry credentials; deliveries are signed instead', '(redacted)');
    else if (!egressAllows(url.hostname, egressDestinations)) {
      problem('/url', `no egress rule of the realm allows ${url.hostname}; create one (POST /v2/egressRules) first`, input.url);
    }
  }
  input.types.forEach((type, i) => {
    if (!isEventType(type)) problem(`/types/${i}`, `is not an event type (known: ${EVENT_TYPES.join(', ')})`, type);
  });
  if (new Set(input.types).size !== input.types.length) problem('/types', 'names a type twice', input.types);
  if (input.secret !== undefined && Buffer.from(input.secret.replace(SECRET_PREFIX, ''), 'base64').length < 24) {
    problem('/secret', `must be ${SECRET_PREFIX} followed by at least 24 bytes in base64 (or leave it out to have one made)`, '(redacted)');
  }
  return problems;
}
