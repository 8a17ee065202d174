import type { EgressAuditRow, EgressRuleRow } from '../store/schema.js';
import { compact, iso } from './present.js';
import type { AuditLogEntry, EgressRule } from './schemas/egress-rule.js';

export function presentEgressRule(row: EgressRuleRow): EgressRule {
  return compact({
    id: row.id,
    created: iso(row.created),
    description: row.description ?? undefined,
    destination: row.destination,
    destinationType: row.destinationType,
    realm: row.realm,
  });
}

export function presentAuditEntry(row: EgressAuditRow): AuditLogEntry {
  return {
    created: iso(row.created),
    ruleId: row.ruleId,
    ruleDestination: row.ruleDestination,
    action: row.action,
    principal: row.principal,
    realm: row.realm,
  };
}
