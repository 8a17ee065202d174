import fs from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { asError } from './domain/errors.js';
import { builtInCatalog, catalogProblems, type RuntimeBinding, type RuntimeCatalog } from './domain/runtime-catalog.js';
import { RUNTIME_KINDS } from './runtimes/kinds.js';

const CatalogFile = Type.Object({
  availableRuntimes: Type.Array(Type.Object({
    id: Type.String(),
    displayName: Type.String(),
    description: Type.String(),
    availableResourceProfileIds: Type.Array(Type.String(), { minItems: 1 }),
    defaultWorkerResourceProfileId: Type.String(),
    defaultSupervisorResourceProfileId: Type.String(),
    maxWorkerUnits: Type.Integer({ minimum: 1, maximum: 15 }),
    maxSupervisorUnits: Type.Integer({ minimum: 1, maximum: 15 }),
    maxAdditionalOverheadMemory: Type.Number({ minimum: 0 }),
    defaultGcProfile: Type.String(),
    availableGcProfiles: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), description: Type.String() })),
    deprecationPeriodAnnounced: Type.Optional(Type.String()),
    deprecationPeriodEnd: Type.Optional(Type.String()),
  }), { minItems: 1 }),
  availableResourceProfiles: Type.Array(Type.Object({
    id: Type.String(),
    label: Type.String(),
    name: Type.String(),
    cpuPerUnit: Type.Number({ exclusiveMinimum: 0 }),
    memoryInGiBPerUnit: Type.Number({ exclusiveMinimum: 0 }),
    diskInGiBPerUnit: Type.Number({ exclusiveMinimum: 0 }),
  }), { minItems: 1 }),
  // Each binding's own settings are checked by its kind's schema (runtimes/kinds.ts) below.
  runtimeBindings: Type.Optional(Type.Record(Type.String(), Type.Object({ kind: Type.String() }))),
});

/** The built-in catalog, or the operator's file in its place; a bad file stops the start with the reasons. */
export async function loadRuntimeCatalog(file: string | undefined): Promise<RuntimeCatalog> {
  if (!file) return builtInCatalog;
  // Each failure names the file and what is wrong with it: a bare "Unexpected token" says neither.
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`runtime catalog ${file} cannot be read: ${asError(error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`runtime catalog ${file} is not JSON: ${asError(error).message}`);
  }
  if (!Value.Check(CatalogFile, parsed)) {
    const first = [...Value.Errors(CatalogFile, parsed)].slice(0, 5).map((e) => `${e.path}: ${e.message}`);
    throw new Error(`runtime catalog ${file} is not valid: ${first.join('; ')}`);
  }
  const problems = [...catalogProblems(parsed), ...bindingProblems(parsed.runtimeBindings ?? {})];
  if (problems.length > 0) throw new Error(`runtime catalog ${file} is not consistent: ${problems.join('; ')}`);
  return parsed;
}

/** Each binding against the settings schema of its kind, with the JSON pointer of what is wrong. */
function bindingProblems(bindings: Record<string, RuntimeBinding>): string[] {
  const problems: string[] = [];
  for (const [environment, binding] of Object.entries(bindings)) {
    const kind = RUNTIME_KINDS.find((k) => k.kind === binding.kind);
    if (!kind) {
      problems.push(`runtimeBindings/${environment}/kind: "${binding.kind}" is not a runtime kind of this build (${RUNTIME_KINDS.map((k) => k.kind).join(', ')})`);
      continue;
    }
    for (const error of [...Value.Errors(kind.settings, binding)].slice(0, 3)) {
      problems.push(`runtimeBindings/${environment}${error.path}: ${error.message}`);
    }
  }
  return problems;
}
