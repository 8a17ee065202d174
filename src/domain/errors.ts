/**
 * Errors the service answers with. Each carries what the contract's ErrorMessage needs, so
 * `http/` turns any of them into a response without inspecting message strings.
 */
export interface FieldError {
  /**
   * RFC 6901 JSON pointer to the offending body field, e.g. `/clusterConfiguration/workers`;
   * for a path or query parameter its name (`limit`), the message saying which it is.
   */
  field: string;
  message: string;
  invalidValue?: unknown;
  code?: string;
}

/** Stable error codes, documented in README.md. */
export const ErrorCodes = {
  validation: 'E1000',
  badRequest: 'E1001',
  invalidState: 'E1002',
  unauthorized: 'E1401',
  forbidden: 'E1403',
  notFound: 'E1404',
  methodNotAllowed: 'E1405',
  conflict: 'E1409',
  preconditionFailed: 'E1412',
  payloadTooLarge: 'E1413',
  unsupportedMediaType: 'E1415',
  rangeNotSatisfiable: 'E1416',
  internal: 'E1500',
  serviceUnavailable: 'E1503',
} as const;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    readonly messageTemplate?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const validationError = (errors: FieldError[], message = 'The request is not valid.') =>
  new ApiError(400, ErrorCodes.validation, message, errors, '{validation.error}');

export const fieldError = (field: string, message: string, invalidValue?: unknown) =>
  validationError([{ field, message, invalidValue, code: ErrorCodes.validation }], message);

/**
 * A path or query parameter at fault: named (`limit`), not pointed at (`/limit` reads as a body
 * field), and the message says where it is.
 */
export const parameterError = (place: 'path' | 'query', name: string, problem: string, invalidValue?: unknown) => {
  const message = `${place} parameter ${name} ${problem}`;
  return validationError([{ field: name, message, invalidValue, code: ErrorCodes.validation }], `Validation failed: ${message}`);
};

export const badRequest = (message: string) => new ApiError(400, ErrorCodes.badRequest, message);

export const invalidState = (message: string) => new ApiError(400, ErrorCodes.invalidState, message);

export const unauthorized = (message: string) => new ApiError(401, ErrorCodes.unauthorized, message);

export const forbidden = (message: string) => new ApiError(403, ErrorCodes.forbidden, message);

export const notFound = (what: string, id: string) =>
  new ApiError(404, ErrorCodes.notFound, `${what} ${id} was not found.`);

export const conflict = (message: string, errors: FieldError[] = []) =>
  new ApiError(409, ErrorCodes.conflict, message, errors);

export const preconditionFailed = (message: string) =>
  new ApiError(412, ErrorCodes.preconditionFailed, message);

export const payloadTooLarge = (message: string) => new ApiError(413, ErrorCodes.payloadTooLarge, message);

export const unsupportedMediaType = (message: string) =>
  new ApiError(415, ErrorCodes.unsupportedMediaType, message);

/** Normalises whatever was thrown into an Error, as graphile-worker does before deciding anything. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
