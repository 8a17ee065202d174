import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TokenVerifier } from '../auth/verifier.js';
import type { Services } from '../services.js';
import { registerAuth } from './auth-hook.js';
import { trackAllowedMethods } from './allowed-methods.js';
import { frameworkErrors, registerErrorHandling } from './error-handler.js';
import { registerRequestIds, requestIdOf } from './request-ids.js';
import { refuseUnstorableText } from './storable-text.js';
import { registerRoutes } from './routes/index.js';
import { registerConsole } from './console/index.js';
import type { SignInCodes } from './console/sign-in.js';
import { registerHttpMetrics, registerObservabilityRoutes, type Observability } from './observability.js';

export type App = FastifyInstance;

export interface AppOptions {
  services: Services;
  verifier: TokenVerifier;
  logLevel: string;
  /** Off in benchmarks and quiet tests. */
  logger?: boolean;
  /** The console's one-time sign-in codes (the embedded default only). */
  signInCodes?: SignInCodes;
  observability: Observability;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger === false ? false : {
      level: options.logLevel,
      // Tokens and secrets never reach the log, even if a serializer is changed later.
      redact: ['req.headers.authorization', 'headers.authorization', '*.token', '*.secret'],
    },
    genReqId: (req) => requestIdOf(req.headers),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    // Path ids are UUIDs or HRNs (schemas allow 200 characters, more once percent-encoded):
    // the router's default of 100 would refuse long-realm HRNs before the schema can say why.
    routerOptions: { maxParamLength: 1000 },
    frameworkErrors,
    ajv: {
      customOptions: {
        allErrors: true,
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: true,
        // Puts the offending value on each error, for ErrorMessage's invalidValue.
        verbose: true,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are JSON (or multipart for packages): anything else is 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  // An empty JSON body is no body (operations take an optional one); the rest is Fastify's own
  // parser. JSON.parse keeps a `__proto__` key as a plain own property (it never sets a
  // prototype), so the parser lets it through and `refuseUnstorableText` refuses it by pointer
  // rather than calling the body "not valid JSON".
  const json = app.getDefaultJsonParser('ignore', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    return json(request, text, done);
  });
  registerRequestIds(app);
  if (options.observability.metrics) registerHttpMetrics(app, options.observability.metrics);
  registerErrorHandling(app, trackAllowedMethods(app));
  refuseUnstorableText(app);
  registerAuth(app, options.verifier, (keyId) => options.services.reads.keyEnabled(keyId));

  await app.register(multipart, {
    limits: { fileSize: options.services.config.maxPackageBytes, files: 1, fields: 5, parts: 6 },
    throwFileSizeLimit: false,
    // Keep the name as sent, so a name with folders is refused instead of silently cut down.
    preservePath: true,
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Sluice — Pipeline API v2',
        version: '2.17.0',
        description: 'Self-hosted implementation of the Pipeline API v2.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearerAuth: [] }],
    },
    // Components named after the schemas' $id (ErrorMessage, Pipeline…), not def-0, def-1…:
    // client generators turn these names into type names.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });

  await registerRoutes(app, options.services);
  await registerConsole(app, options.services, options.signInCodes);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerObservabilityRoutes(app, options.observability);
  return app;
}
