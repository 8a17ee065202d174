import { Type, type Static } from '@sinclair/typebox';
import { AUDIT_ACTIONS } from '../../domain/egress-rules.js';
import { DateTime, Description, Uuid } from './common.js';

/**
 * Rules per createEgressRules request. The contract sets no bound; one is needed because the
 * whole array is one transaction, and an allow list of a thousand entries is already unusual.
 */
const MAX_RULES_PER_REQUEST = 1000;

/**
 * A JSON Schema `enum` rather than a union of literals: OpenAPI clients generate an enum from it,
 * and a wrong value is one error instead of one per literal.
 */
const stringEnum = (values: readonly string[], description: string) => Type.String({ enum: [...values], description });

const DestinationType = stringEnum(['ipAddress', 'host'], 'ipAddress or host');
const Action = stringEnum(AUDIT_ACTIONS, 'created or deleted');

export const EgressRuleInput = Type.Object(
  {
    destination: Type.String({ description: 'An IP address or a DNS name, optionally with a leading `*.` wildcard' }),
    description: Type.Optional(Description),
  },
  { title: 'EgressRuleInput' },
);

export const EgressRulesInput = Type.Array(EgressRuleInput, { minItems: 1, maxItems: MAX_RULES_PER_REQUEST });
export type EgressRulesInput = Static<typeof EgressRulesInput>;

export const EgressRule = Type.Object(
  {
    id: Uuid,
    created: DateTime,
    description: Type.Optional(Type.String()),
    destination: Type.String(),
    destinationType: DestinationType,
    realm: Type.String(),
  },
  { $id: 'EgressRule', title: 'EgressRule' },
);
export type EgressRule = Static<typeof EgressRule>;

export const AuditLogEntry = Type.Object(
  {
    created: DateTime,
    ruleId: Uuid,
    ruleDestination: Type.String(),
    action: Action,
    principal: Type.String({ description: 'User id of the caller who made the change' }),
    realm: Type.String(),
  },
  { $id: 'AuditLogEntry', title: 'AuditLogEntry' },
);
export type AuditLogEntry = Static<typeof AuditLogEntry>;

export const AuditLogQuery = Type.Object({
  ruleId: Type.Optional(Uuid),
  ruleDestination: Type.Optional(Type.String({ maxLength: 300, description: 'Matched after the same normalisation as at creation' })),
  action: Type.Optional(Action),
  principal: Type.Optional(Type.String({ maxLength: 300 })),
});
export type AuditLogQuery = Static<typeof AuditLogQuery>;

export const RuleIdParams = Type.Object({
  ruleId: Type.String({ description: 'UUID of the egress rule', maxLength: 200 }),
});
