import fs from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { asError } from './domain/errors.js';
import { builtInCatalog, catalogProblems, type RuntimeCatalog } from './domain/runtime-catalog.js';

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
  const problems = catalogProblems(parsed);
  if (problems.length > 0) throw new Error(`runtime catalog ${file} is not consistent: ${problems.join('; ')}`);
  return parsed;
}
