import { Type } from '@sinclair/typebox';
import type { RuntimeContext } from '../kinds.js';
import { FlinkRuntime } from './runtime.js';
import { parseFlinkSettings } from './settings.js';

/**
 * A `flink` binding in the runtime catalog file (its shape; `parseFlinkSettings` adds the rules
 * a schema cannot say, such as a savepoint base being a storage URI).
 */
export const FlinkBinding = Type.Object({
  kind: Type.Literal('flink'),
  restUrl: Type.String({ minLength: 1 }),
  savepointBase: Type.String({ minLength: 1 }),
  checkpointBase: Type.String({ minLength: 1 }),
  auth: Type.Optional(Type.Union([
    Type.Object({ bearer: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    Type.Object({ basic: Type.Object({ user: Type.String({ minLength: 1 }), password: Type.String() }, { additionalProperties: false }) }, { additionalProperties: false }),
  ])),
  tls: Type.Optional(Type.Object({ caFile: Type.String({ minLength: 1 }) }, { additionalProperties: false })),
  pollIntervalMs: Type.Optional(Type.Integer({ minimum: 100 })),
  requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
  jobFilesUrl: Type.Optional(Type.String({ minLength: 1 })),
}, { additionalProperties: false });

/** A Flink runtime for one catalog binding. Nothing is asked of the cluster here: an unreachable one is not fatal. */
export function createFlinkRuntime(context: RuntimeContext): FlinkRuntime {
  const { settings, problems } = parseFlinkSettings(context.binding);
  if (!settings) throw new Error(`runtime ${context.name}: ${problems.map((p) => `${p.field || '/'} ${p.message}`).join('; ')}`);
  if (!context.jobFiles) throw new Error(`runtime ${context.name}: this service cannot publish job files`);
  const profiles = context.resourceProfiles ?? [];
  return new FlinkRuntime({
    name: context.name,
    settings,
    jobFiles: context.jobFiles,
    profileOf: (id) => profiles.find((p) => p.id === id),
    warn: (message, error) => context.warn(`${context.name}: ${message}`, error),
  });
}
