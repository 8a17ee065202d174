import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { ApiError, ErrorCodes, notFound } from '../../domain/errors.js';
import type { TypedApp } from '../routes/types.js';
import { CONSOLE_PATH } from './paths.js';

/** dist/console (written by scripts/build-console.mjs), seen from dist/src/http/console. */
export const CONSOLE_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../console');

/**
 * The page's rules for the browser. Scripts, styles and requests only from this origin (nothing
 * inline, nothing fetched from elsewhere: the console holds a token), no framing, no referrer.
 */
const SHELL_HEADERS = {
  'content-security-policy': [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
    "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
  ].join('; '),
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

/**
 * Serves the built console: `assets/` (names carry a content hash: cached for a year, sent
 * gzipped when the browser takes it, from the `.gz` files the build wrote) and, for every other
 * path under /console, the one page (`index.html`), whose script reads the path.
 */
export async function consoleAssets(app: TypedApp, dist = CONSOLE_DIST): Promise<void> {
  const shellFile = path.join(dist, 'index.html');
  const shell = fs.existsSync(shellFile) ? fs.readFileSync(shellFile) : undefined;
  const assets = path.join(dist, 'assets');
  if (shell && fs.existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: `${CONSOLE_PATH}/assets/`,
      wildcard: false,
      preCompressed: true,
      immutable: true,
      maxAge: '365d',
      index: false,
      decorateReply: false,
      setHeaders: (reply) => { reply.header('x-content-type-options', 'nosniff'); },
    });
  }
  const page = async (request: { url: string }, reply: import('fastify').FastifyReply) => {
    if (request.url.startsWith(`${CONSOLE_PATH}/assets/`)) throw notFound('Console asset', request.url);
    if (!shell) throw new ApiError(503, ErrorCodes.serviceUnavailable, 'The console has not been built: run npm run build.');
    return reply.headers(SHELL_HEADERS).type('text/html; charset=utf-8').send(shell);
  };
  app.get(CONSOLE_PATH, { schema: { hide: true } }, async (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`));
  app.get(`${CONSOLE_PATH}/*`, { schema: { hide: true } }, page);
}
