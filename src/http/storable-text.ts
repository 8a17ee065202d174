import type { FastifyInstance } from 'fastify';
import { ErrorCodes, validationError, type FieldError } from '../domain/errors.js';
import { pointerSegment } from '../domain/json-pointer.js';

/**
 * Keys that would reach an object's prototype if some code later merged the body into another
 * object. The JSON parser keeps them as plain own properties (JSON.parse never sets a
 * prototype); they are refused here with their pointer instead of as "not valid JSON".
 */
const PROTOTYPE_KEYS = new Set(['__proto__']);

/** At most this many problems are listed: a body with 100 000 NULs gets a short answer. */
const MAX_PROBLEMS = 20;

interface Pending {
  value: unknown;
  pointer: string;
}

function problemsOf(root: unknown, prefix: string, describe: (pointer: string) => string): FieldError[] {
  const problems: FieldError[] = [];
  // Iterative, not recursive: a body nested 5 000 deep is walked without growing the stack.
  const stack: Pending[] = [{ value: root, pointer: '' }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const { value, pointer } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) {
        problems.push({ field: prefix + pointer, message: `${describe(pointer)} contains a NUL character (\\u0000), which cannot be stored`, code: ErrorCodes.validation });
      }
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const entries = Array.isArray(value) ? value.map((item, i) => [String(i), item] as const) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i];
      const itemPointer = `${pointer}/${pointerSegment(key)}`;
      if (!Array.isArray(value) && key.includes('\u0000')) {
        problems.push({ field: prefix + itemPointer, message: `${describe(itemPointer)} has a key with a NUL character (\\u0000), which cannot be stored`, code: ErrorCodes.validation });
        continue;
      }
      if (!Array.isArray(value) && PROTOTYPE_KEYS.has(key)) {
        problems.push({ field: prefix + itemPointer, message: `${describe(itemPointer)} is not an accepted key`, code: ErrorCodes.validation });
        continue;
      }
      stack.push({ value: item, pointer: itemPointer });
    }
  }
  return problems;
}

/**
 * Text with a NUL character cannot be stored (PostgreSQL refuses it in text and jsonb, error
 * 22021, on both stores), so every such string in the body, query or path is a 400 E1000 naming
 * its place before any handler or query runs; nothing is stored. Path and query parameters are
 * named, not pointed at, so they do not read as body fields.
 */
export function refuseUnstorableText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const problems = [
      ...problemsOf(request.body, '', (pointer) => (pointer === '' ? 'the body' : pointer)),
      ...parameterProblems(request.params, 'path'),
      ...parameterProblems(request.query, 'query'),
    ];
    if (problems.length > 0) throw validationError(problems, `Validation failed: ${problems[0].message}`);
  });
}

function parameterProblems(values: unknown, where: 'path' | 'query'): FieldError[] {
  if (values === null || typeof values !== 'object') return [];
  const problems: FieldError[] = [];
  for (const [name, value] of Object.entries(values)) {
    const texts = Array.isArray(value) ? value : [value];
    if (texts.some((text) => typeof text === 'string' && text.includes('\u0000')) || name.includes('\u0000')) {
      problems.push({
        field: name.replace(/\u0000/g, '\\u0000'),
        message: `${where} parameter ${name.replace(/\u0000/g, '\\u0000')} contains a NUL character (\\u0000)`,
        code: ErrorCodes.validation,
      });
    }
  }
  return problems;
}
