import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ErrorCodes, type FieldError } from '../domain/errors.js';
import { echoRequestIds } from './request-ids.js';
import { boundedInvalidValue } from './bounded-value.js';
import { summariseValidation } from './validation-errors.js';

/** The contract's ErrorMessage, the body of every error response. */
export interface ErrorMessage {
  status: number;
  code: string;
  message: string;
  messageTemplate?: string;
  templateOptions?: Record<string, string>;
  errors?: FieldError[];
}

const JSON_ONLY = 'send application/json (packages: multipart/form-data)';

/** Fastify's own errors (bad JSON, wrong content type, body too large…) mapped to the contract. */
function fromFastify(error: FastifyError, request: FastifyRequest): ErrorMessage {
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (status === 415) {
    const sent = request.headers['content-type'];
    const message = sent ? `Content-Type "${sent}" is not accepted here: ${JSON_ONLY}.` : `A body needs a Content-Type: ${JSON_ONLY}.`;
    return { status, code: ErrorCodes.unsupportedMediaType, message };
  }
  const code =
    status === 413 ? ErrorCodes.payloadTooLarge
    : status === 404 ? ErrorCodes.notFound
    : status < 500 ? ErrorCodes.badRequest
    : ErrorCodes.internal;
  const message = status >= 500 ? 'Internal server error.' : error.message;
  return { status, code, message };
}

function bounded(error: FieldError): FieldError {
  if (error.invalidValue === undefined) return error;
  return { ...error, invalidValue: boundedInvalidValue(error.invalidValue) };
}

export function toErrorMessage(error: unknown, request: FastifyRequest): ErrorMessage {
  if (error instanceof ApiError) {
    const body: ErrorMessage = { status: error.status, code: error.code, message: error.message };
    if (error.messageTemplate) body.messageTemplate = error.messageTemplate;
    if (error.errors.length > 0) body.errors = error.errors.map(bounded);
    return body;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError?.validation) {
    const { message, errors } = summariseValidation(fastifyError);
    return { status: 400, code: ErrorCodes.validation, message, messageTemplate: '{validation.error}', errors: errors.map(bounded) };
  }
  if (typeof fastifyError?.statusCode === 'number') return fromFastify(fastifyError, request);
  return { status: 500, code: ErrorCodes.internal, message: 'Internal server error.' };
}

function send(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const body = toErrorMessage(error, request);
  if (body.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ status: body.status, code: body.code }, body.message);
  // RFC 9110 §11.6.1: a 401 names the scheme that would be accepted.
  if (body.status === 401) reply.header('WWW-Authenticate', 'Bearer');
  return reply.status(body.status).type('application/json').send(body);
}

/**
 * Errors Fastify raises before routing (a URL that does not decode, an over-long path
 * parameter). No hook has run for them, so the id headers are set here.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  echoRequestIds(request, reply);
  void send(request, reply, error);
}

/**
 * Every error is an ErrorMessage. A request that matches no route is 405 (with `Allow`) when
 * its path exists under other methods, else 404.
 */
export function registerErrorHandling(app: FastifyInstance, allowedMethods: (path: string) => string[]): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => send(request, reply, error));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      const body: ErrorMessage = {
        status: 405,
        code: ErrorCodes.methodNotAllowed,
        message: `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}.`,
      };
      return reply.status(405).header('Allow', allowed.join(', ')).send(body);
    }
    const body: ErrorMessage = { status: 404, code: ErrorCodes.notFound, message: `No route ${request.method} ${path}.` };
    return reply.status(404).send(body);
  });
}
