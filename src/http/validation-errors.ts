import type { FastifyError } from 'fastify';
import { ErrorCodes, type FieldError } from '../domain/errors.js';
import { pointerSegment } from '../domain/json-pointer.js';

/** The parts of an Ajv error Sluice reads (Ajv runs with `allErrors` and `verbose`). */
interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  data?: unknown;
  parentSchema?: { patternProperties?: Record<string, unknown> };
}

/** What the validator told Fastify, turned into the contract's ValidationErrorMessage list. */
export interface ValidationSummary {
  message: string;
  errors: FieldError[];
}

/** Ajv points at the object for `required` / `additionalProperties`; the contract points at the property. */
function fieldOf(error: AjvError): string {
  const name = error.keyword === 'required' ? error.params.missingProperty
    : error.keyword === 'additionalProperties' ? error.params.additionalProperty
    : undefined;
  return typeof name === 'string' ? `${error.instancePath}/${pointerSegment(name)}` : error.instancePath;
}

/**
 * Enums are unions of literals (`anyOf` of `const`): Ajv then reports one error per branch. The
 * allowed values are gathered per field so that the caller reads one "must be one of" instead.
 */
function allowedValuesByField(items: AjvError[]): Map<string, unknown[]> {
  const allowed = new Map<string, unknown[]>();
  for (const item of items) {
    if (item.keyword !== 'const') continue;
    const values = allowed.get(item.instancePath) ?? [];
    values.push(item.params.allowedValue);
    allowed.set(item.instancePath, values);
  }
  return allowed;
}

function describe(item: AjvError, allowed: unknown[] | undefined): { message: string; invalidValue?: unknown } | null {
  switch (item.keyword) {
    case 'anyOf': case 'oneOf': case 'if':
      return null; // wrappers: their branches already said what is wrong
    case 'required':
      return { message: 'is required' };
    case 'additionalProperties': {
      const name = item.params.additionalProperty as string;
      const value = (item.data as Record<string, unknown> | undefined)?.[name];
      const patterns = Object.keys(item.parentSchema?.patternProperties ?? {});
      return patterns.length > 0
        ? { message: `is not an accepted key (keys must match ${patterns.join(' or ')})`, invalidValue: name }
        : { message: 'is not a known property', invalidValue: value };
    }
    case 'const': case 'type':
      if (allowed) return { message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`, invalidValue: item.data };
      return { message: item.message ?? 'is invalid', invalidValue: item.data };
    default:
      return { message: item.message ?? 'is invalid', invalidValue: item.data };
  }
}

/** What Fastify calls each part of a request, as a user reads it. */
const PARAMETER_PLACES: Record<string, string> = { params: 'path parameter', querystring: 'query parameter', headers: 'header' };

/**
 * Body fields are named by RFC 6901 pointer; a path or query parameter by its name, and the
 * message says where it is, so `catalogHrn` is not read as a field of the body.
 */
function placeOf(context: string, pointer: string): { field: string; subject: string } {
  const place = PARAMETER_PLACES[context];
  if (!place) return { field: pointer, subject: pointer === '' ? `the ${context}` : pointer };
  if (pointer === '') return { field: '', subject: `the ${place}s` };
  const name = pointer.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
  return { field: name, subject: `${place} ${name}` };
}

/** Schema violations become one list naming every offending field by RFC 6901 pointer. */
export function summariseValidation(error: FastifyError): ValidationSummary {
  const context = error.validationContext ?? 'body';
  const items = (error.validation ?? []) as AjvError[];
  const allowed = allowedValuesByField(items);
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const item of items) {
    const described = describe(item, allowed.get(item.instancePath));
    if (!described) continue;
    const { field, subject } = placeOf(context, fieldOf(item));
    const message = `${subject} ${described.message}`;
    if (seen.has(message)) continue;
    seen.add(message);
    const entry: FieldError = { field, message, code: ErrorCodes.validation };
    if (described.invalidValue !== undefined) entry.invalidValue = described.invalidValue;
    errors.push(entry);
  }
  const first = errors[0];
  return { message: first ? `Validation failed: ${first.message}` : 'Validation failed.', errors };
}
