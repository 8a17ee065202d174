import type { LogEvent } from 'kysely';
import { queryLabels } from './query-signals.js';

/**
 * What a log line may say about a failed statement. The drivers' errors carry the statement's
 * bound values (PGlite: `params`; both: `detail` such as "Failing row contains (…)", `where`
 * naming the parameter): user data, possibly megabytes, possibly secrets. A log line keeps the
 * SQLSTATE, the error's own message (cut short), the table/column/constraint it names, and the
 * statement by its name (`insert pipelines`), never the values.
 */
const statements = new WeakMap<object, string>();

/** Kysely's log hook: remembers which statement an error came from, by kind and table only. */
export function nameFailedStatement(event: LogEvent): void {
  if (event.level !== 'error' || typeof event.error !== 'object' || event.error === null) return;
  const { statement, table } = queryLabels(event.query);
  statements.set(event.error, `${statement} ${table}`);
}

const MAX_MESSAGE = 300;
const SQLSTATE = /^[0-9A-Z]{5}$/;
const cut = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text);

/** The shape Fastify's logger options expect of an `err` serializer. */
export interface SerializedError {
  type: string;
  message: string;
  stack: string;
  [key: string]: unknown;
}

interface DriverError {
  name?: string;
  message?: string;
  stack?: string;
  code?: unknown;
  severity?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
  routine?: unknown;
  cause?: unknown;
}

const isDatabaseError = (error: DriverError) => typeof error.code === 'string' && SQLSTATE.test(error.code) && 'severity' in error;

/**
 * The logger's `err` serializer. Database errors are reduced to the fields above; any other
 * error to its type, message, code and stack (no other enumerable property is copied: an
 * error decorated with a request's values would leak them the same way).
 */
export function serializeError(value: Error): SerializedError {
  if (typeof value !== 'object' || value === null) return { type: typeof value, message: cut(String(value)), stack: '' };
  const error = value as DriverError;
  const base: SerializedError = {
    type: (value as object).constructor?.name ?? 'Error',
    message: cut(String(error.message ?? '')),
    stack: error.stack ?? '',
  };
  if (isDatabaseError(error)) {
    return {
      ...base,
      type: 'DatabaseError',
      code: error.code,
      severity: error.severity,
      statement: statements.get(value) ?? 'unknown',
      ...(typeof error.table === 'string' ? { table: error.table } : {}),
      ...(typeof error.column === 'string' ? { column: error.column } : {}),
      ...(typeof error.constraint === 'string' ? { constraint: error.constraint } : {}),
      ...(typeof error.routine === 'string' ? { routine: error.routine } : {}),
    };
  }
  if (error.code !== undefined) base.code = error.code;
  const statusCode = (value as { statusCode?: unknown }).statusCode;
  if (typeof statusCode === 'number') base.statusCode = statusCode;
  if (error.cause !== undefined) base.cause = serializeError(error.cause as Error);
  return base;
}
