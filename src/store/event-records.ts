import { randomUUID } from 'node:crypto';
import type { EventType, NewEvent } from '../domain/events.js';
import type { OperationRow } from './schema.js';

/**
 * Events made from the rows of a change, for `appendEvents` in the same transaction. The data
 * is what a subscriber needs to act without calling back: the ids, the states, the message.
 */
export function operationEvent(type: Extract<EventType, `sluice.operation.${string}`>, row: OperationRow, home: string | null): NewEvent {
  return {
    id: randomUUID(),
    type,
    realm: row.realm,
    home,
    pipelineId: row.pipelineId,
    versionId: row.versionId,
    subject: `operations/${row.id}`,
    time: row.updated,
    data: {
      pipelineId: row.pipelineId,
      pipelineVersionId: row.versionId,
      operationId: row.id,
      requestType: row.requestType,
      state: row.state,
      ...(row.message ? { message: row.message } : {}),
      userId: row.userId,
      ...(row.clientId ? { clientId: row.clientId } : {}),
    },
  };
}
