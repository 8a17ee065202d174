import { Type } from '@sinclair/typebox';
import { cloudEventOf, isEventType } from '../../domain/events.js';
import { parameterError, validationError } from '../../domain/errors.js';
import { ownerOf } from '../../domain/owner.js';
import type { Services } from '../../services.js';
import { readEvents } from '../../store/events.js';
import { principal } from '../auth-hook.js';
import { errors } from '../schemas/common.js';
import { EventPage, EventQuery } from '../schemas/event.js';
import type { TypedApp } from './types.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** Comma-separated types, each one Sluice writes; an unknown one is a 400 naming it. */
function typesOf(text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const types = text.split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = types.filter((t) => !isEventType(t));
  if (unknown.length > 0) {
    throw validationError(unknown.map((t) => ({ field: 'types', message: `query parameter types: "${t}" is not an event type`, invalidValue: t })),
      `Validation failed: query parameter types: "${unknown[0]}" is not an event type`);
  }
  return types;
}

/**
 * The event log, oldest first, from a cursor: the caller's realm only, and as for pipelines, a
 * project-scoped token reads its project's events and an unscoped one the events outside projects.
 */
export function eventRoutes(app: TypedApp, services: Services): void {
  app.get('/sluice/v1/events', {
    schema: {
      tags: ['Events'], summary: 'Read the event log after a cursor', querystring: EventQuery,
      response: { 200: Type.Ref(EventPage), ...errors(400) },
    },
  }, async (request) => {
    const query = request.query;
    const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
    if (limit < 1 || limit > MAX_LIMIT) throw parameterError('query', 'limit', `must be from 1 to ${MAX_LIMIT}`, query.limit);
    const page = await readEvents(services.db, ownerOf(principal(request)), {
      after: query.since === undefined ? 0 : Number(query.since),
      limit,
      types: typesOf(query.types),
    });
    return { events: page.events.map(cloudEventOf), next: String(page.next) };
  });
}
