import type { FastifyRequest } from 'fastify';
import { isOrgAdmin } from '../auth/principal.js';
import { forbidden } from '../domain/errors.js';
import { principal } from './auth-hook.js';

/**
 * A `preValidation` hook for OrgAdmin-only routes. It runs before the body and query are
 * checked, so a caller without the role learns 403 and nothing about what a valid request
 * would look like, nor whether a rule id exists.
 */
export function orgAdminOnly(action: string) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!isOrgAdmin(principal(request))) throw forbidden(`Only an OrgAdmin of the realm may ${action}.`);
  };
}
