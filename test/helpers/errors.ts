import assert from 'node:assert/strict';
import type { ApiResponse } from './server.js';

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** An RFC 6901 pointer: empty (the whole document) or `/`-separated tokens with `~` only as ~0 / ~1. */
export const JSON_POINTER = /^(\/([^~/]|~[01])*)*$/;
/** A path or query parameter is named, not pointed at, and its message says which it is. */
const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Asserts `res` is an error of `status` whose body is the contract's ErrorMessage:
 * `status` equal to the HTTP status, a code like E1000, a message, well-formed field errors.
 */
export function assertErrorMessage(res: ApiResponse, status: number): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `not JSON: ${res.text}`);
  const body = res.body as Record<string, unknown>;
  assert.equal(body.status, status, res.text);
  assert.match(String(body.code), /^E\d{4}$/, res.text);
  assert.equal(typeof body.message, 'string', res.text);
  assert.ok((body.message as string).length > 0, res.text);
  if (body.errors !== undefined) {
    assert.ok(Array.isArray(body.errors), res.text);
    for (const error of body.errors as Array<Record<string, unknown>>) {
      if (PARAMETER_NAME.test(String(error.field))) assert.match(String(error.message), /^(path|query) parameter /, res.text);
      else assert.match(String(error.field), JSON_POINTER, res.text);
      assert.equal(typeof error.message, 'string', res.text);
    }
  }
}

/** The `field` pointers of a validation ErrorMessage, sorted. */
export function fieldsOf(res: ApiResponse): string[] {
  return ((res.body?.errors ?? []) as Array<{ field: string }>).map((e) => e.field).sort();
}
