import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ErrorCodes, type FieldError } from '../domain/errors.js';
import { pointerSegment } from '../domain/json-pointer.js';

/** The contract's ErrorMessage, the body of every error response. */
export interface ErrorMessage {
  status: number;
  code: string;
  message: string;
  messageTemplate?: string;
  templateOptions?: Record<string, string>;
  errors?: FieldError[];
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  data?: unknown;
}


function fieldOf(error: AjvError): string {
  const missing = error.params.missingProperty;
  if (error.keyword === 'required' && typeof missing === 'string') {
    return `${error.instancePath}/${pointerSegment(missing)}`;
  }
  const extra = error.params.additionalProperty;
  if (error.keyword === 'additionalProperties' && typeof extra === 'string') {
    return `${error.instancePath}/${pointerSegment(extra)}`;
  }
  return error.instancePath;
}

/** Schema violations become one ErrorMessage listing every offending field. */
function fromValidation(error: FastifyError): ErrorMessage {
  const context = error.validationContext ?? 'body';
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const item of (error.validation ?? []) as AjvError[]) {
    // anyOf/oneOf wrappers repeat what their branches already said.
    if (item.keyword === 'anyOf' || item.keyword === 'oneOf' || item.keyword === 'if') continue;
    const field = fieldOf(item);
    const subject = field === '' ? `the ${context}` : `${context === 'body' ? '' : `${context} `}${field}`;
    const message = `${subject} ${item.message ?? 'is invalid'}`;
    if (seen.has(message)) continue;
    seen.add(message);
    errors.push({ field, message, invalidValue: item.data, code: ErrorCodes.validation });
  }
  const first = errors[0];
  return {
    status: 400,
    code: ErrorCodes.validation,
    message: first ? `Validation failed: ${first.message}` : 'Validation failed.',
    messageTemplate: '{validation.error}',
    errors,
  };
}

/** Fastify's own errors (bad JSON, wrong content type, body too large…) mapped to the contract. */
function fromFastify(error: FastifyError): ErrorMessage {
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  const code =
    status === 413 ? ErrorCodes.payloadTooLarge
    : status === 415 ? ErrorCodes.unsupportedMediaType
    : status === 404 ? ErrorCodes.notFound
    : status < 500 ? ErrorCodes.badRequest
    : ErrorCodes.internal;
  const message = status >= 500 ? 'Internal server error.' : error.message;
  return { status, code, message };
}

export function toErrorMessage(error: unknown): ErrorMessage {
  if (error instanceof ApiError) {
    const body: ErrorMessage = { status: error.status, code: error.code, message: error.message };
    if (error.messageTemplate) body.messageTemplate = error.messageTemplate;
    if (error.errors.length > 0) body.errors = error.errors;
    return body;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError?.validation) return fromValidation(fastifyError);
  if (typeof fastifyError?.statusCode === 'number') return fromFastify(fastifyError);
  return { status: 500, code: ErrorCodes.internal, message: 'Internal server error.' };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const body = toErrorMessage(error);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: body.status, code: body.code }, body.message);
    return reply.status(body.status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorMessage = {
      status: 404,
      code: ErrorCodes.notFound,
      message: `No route ${request.method} ${request.url.split('?')[0]}.`,
    };
    return reply.status(404).send(body);
  });
}
