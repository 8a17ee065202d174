import type { Principal } from '../auth/principal.js';
import { fieldError } from '../domain/errors.js';

/**
 * A `groupId` is required without a project scope and forbidden with one (the row then lives in
 * the project, as `home`).
 */
export function checkGroupForScope(principal: Principal, groupId: string | undefined): void {
  if (principal.scope && groupId !== undefined) {
    throw fieldError('/groupId', 'must be absent when the token is scoped to a project', groupId);
  }
  if (!principal.scope && groupId === undefined) {
    throw fieldError('/groupId', 'is required unless the token is scoped to a project');
  }
}
