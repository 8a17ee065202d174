import { checkDestination, type DestinationType } from './egress-destination.js';
import { ErrorCodes, type FieldError } from './errors.js';

export interface EgressRuleInput {
  destination: string;
  description?: string;
}

export interface CheckedEgressRule {
  destination: string;
  destinationType: DestinationType;
  description?: string;
}

export type EgressRulesCheck =
  | { ok: true; rules: CheckedEgressRule[] }
  | { ok: false; errors: FieldError[] };

/** Egress rule actions recorded in the audit log. */
export const AUDIT_ACTIONS = ['created', 'deleted'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const pointer = (index: number) => `/${index}/destination`;

/**
 * Checks a createEgressRules body as a whole, since creation is all-or-nothing: every invalid
 * destination is reported (not just the first), and a destination given twice, after
 * normalisation (`Example.com` and `example.com.` are one), is an error at its second place.
 */
export function checkNewEgressRules(inputs: EgressRuleInput[]): EgressRulesCheck {
  const errors: FieldError[] = [];
  const rules: CheckedEgressRule[] = [];
  const firstIndex = new Map<string, number>();
  inputs.forEach((input, index) => {
    const checked = checkDestination(input.destination);
    if (!checked.ok) {
      errors.push(invalid(index, input.destination, `"${input.destination}" ${checked.message}`));
      return;
    }
    const earlier = firstIndex.get(checked.destination);
    if (earlier !== undefined) {
      errors.push(invalid(index, input.destination,
        `"${input.destination}" repeats the destination ${checked.destination} given at ${pointer(earlier)}`));
      return;
    }
    firstIndex.set(checked.destination, index);
    rules.push({ destination: checked.destination, destinationType: checked.destinationType, description: input.description });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rules };
}

const invalid = (index: number, value: string, message: string): FieldError => ({
  field: pointer(index),
  message,
  invalidValue: value,
  code: ErrorCodes.validation,
});

/** Field errors for destinations the realm already has, pointing at where the request named them. */
export function existingDestinationErrors(rules: CheckedEgressRule[], existing: Set<string>): FieldError[] {
  return rules.flatMap((rule, index) => (existing.has(rule.destination) ? [{
    field: pointer(index),
    message: `an egress rule for ${rule.destination} already exists`,
    invalidValue: rule.destination,
    code: ErrorCodes.conflict,
  }] : []));
}
