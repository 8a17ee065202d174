import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../auth/principal.js';
import { checkDestination } from '../../domain/egress-destination.js';
import { checkNewEgressRules, existingDestinationErrors } from '../../domain/egress-rules.js';
import { conflict, notFound, validationError } from '../../domain/errors.js';
import { isUuid } from '../../domain/hrn.js';
import type { Services } from '../../services.js';
import { listEgressAudit } from '../../store/egress-audit-log.js';
import * as store from '../../store/egress-rules.js';
import type { EgressRuleRow } from '../../store/schema.js';
import { principal } from '../auth-hook.js';
import { orgAdminOnly } from '../org-admin.js';
import { presentAuditEntry, presentEgressRule } from '../present-egress.js';
import { errors } from '../schemas/common.js';
import { AuditLogEntry, AuditLogQuery, EgressRule, EgressRulesInput, RuleIdParams } from '../schemas/egress-rule.js';
import type { TypedApp } from './types.js';

const tags = ['Egress rules'];

/**
 * Egress rules are realm-wide: a project-scoped token sees and changes the same list as an
 * unscoped one. Another realm's rule does not exist for the caller (404, never 403).
 */
export function egressRuleRoutes(app: TypedApp, services: Services): void {
  const change = (caller: Principal) => ({ realm: caller.realm, principal: caller.userId, at: services.now() });

  app.get('/v2/egressRules', {
    schema: { operationId: 'listEgressRules', tags, response: { 200: Type.Array(Type.Ref(EgressRule)), ...errors(403) } },
  }, async (request) => (await store.listEgressRules(services.db, principal(request).realm)).map(presentEgressRule));

  app.post('/v2/egressRules', {
    preValidation: orgAdminOnly('create egress rules'),
    schema: {
      operationId: 'createEgressRules', tags, body: EgressRulesInput,
      response: { 201: Type.Array(Type.Ref(EgressRule)), ...errors(400, 403, 409) },
    },
  }, async (request, reply) => {
    const checked = checkNewEgressRules(request.body);
    if (!checked.ok) throw validationError(checked.errors, `Validation failed: ${checked.errors[0].message}`);
    const rules = checked.rules.map((rule) => ({ ...rule, id: randomUUID() }));
    const outcome = await store.createEgressRules(services.db, change(principal(request)), rules);
    if ('existing' in outcome) {
      const names = [...outcome.existing].sort().join(', ');
      const fields = existingDestinationErrors(rules, outcome.existing);
      throw conflict(`Egress rules already exist for ${names}; no rule was created.`, fields);
    }
    return reply.status(201).send(outcome.created.map(presentEgressRule));
  });

  // The router prefers this static path to `:ruleId`, so `auditlog` is never taken for a rule id.
  app.get('/v2/egressRules/auditlog', {
    preValidation: orgAdminOnly('read the egress audit log'),
    schema: {
      operationId: 'getEgressRulesAuditLog', tags, querystring: AuditLogQuery,
      response: { 200: Type.Array(Type.Ref(AuditLogEntry)), ...errors(400, 403) },
    },
  }, async (request) => {
    const query = request.query;
    const rows = await listEgressAudit(services.db, principal(request).realm, {
      ruleId: query.ruleId,
      ruleDestination: query.ruleDestination === undefined ? undefined : normalisedDestination(query.ruleDestination),
      action: query.action,
      principal: query.principal,
    });
    return rows.map(presentAuditEntry);
  });

  app.get('/v2/egressRules/:ruleId', {
    schema: { operationId: 'getEgressRule', tags, params: RuleIdParams, response: { 200: Type.Ref(EgressRule), ...errors(403, 404) } },
  }, async (request) => presentEgressRule(await ruleFromPath(services, principal(request), request.params.ruleId)));

  app.delete('/v2/egressRules/:ruleId', {
    preValidation: orgAdminOnly('delete egress rules'),
    schema: { operationId: 'deleteEgressRule', tags, params: RuleIdParams, response: { 204: Type.Null(), ...errors(403, 404) } },
  }, async (request, reply) => {
    const caller = principal(request);
    const { ruleId } = request.params;
    const deleted = isUuid(ruleId)
      ? await store.deleteEgressRule(services.db, change(caller), ruleId.toLowerCase())
      : undefined;
    if (!deleted) throw notFound('Egress rule', ruleId);
    return reply.status(204).send(null);
  });
}

/** A malformed id names no rule: 404 like an unknown one, not 400. */
async function ruleFromPath(services: Services, caller: Principal, ruleId: string): Promise<EgressRuleRow> {
  const row = isUuid(ruleId) ? await store.findEgressRule(services.db, caller.realm, ruleId.toLowerCase()) : undefined;
  if (!row) throw notFound('Egress rule', ruleId);
  return row;
}

/**
 * The audit log stores destinations as normalised at creation, so the filter is normalised the
 * same way (`Example.COM.` finds `example.com`); a value that is no destination matches nothing.
 */
function normalisedDestination(value: string): string {
  const checked = checkDestination(value);
  return checked.ok ? checked.destination : value;
}
