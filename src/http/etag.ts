import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A strong entity tag of a JSON text: the same bytes, on any replica, give the same tag. */
export function etagOf(json: string): string {
  return `"${createHash('sha1').update(json).digest('base64url')}"`;
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * Sends JSON text with its ETag, or 304 without a body when the client already has it
 * (`If-None-Match`): the console polls its pages, and an unchanged page then costs no transfer
 * and no rendering in the browser. `etag` is given when the caller has it already (cached pages).
 */
export function sendJsonWithEtag(request: FastifyRequest, reply: FastifyReply, json: string, etag = etagOf(json)): FastifyReply {
  reply.header('etag', etag);
  if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(json);
}
