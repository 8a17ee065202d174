import type { FieldError } from './errors.js';
import type { RuntimeCatalog, RuntimeEnvironment } from './runtime-catalog.js';

export interface ClusterConfiguration {
  workers: number;
  workerUnits: number;
  workerResourceProfileId?: string;
  workerAdditionalOverheadMemory?: number;
  supervisorUnits: number;
  supervisorResourceProfileId?: string;
  supervisorAdditionalOverheadMemory?: number;
  gcProfile?: string;
}

export const MAX_WORKERS = 199;

/**
 * A complete configuration: what was given, over the template's defaults (for a version), over
 * the runtime environment's defaults. Later layers win field by field.
 */
export function withDefaults(
  runtime: RuntimeEnvironment,
  ...layers: (Partial<ClusterConfiguration> | undefined)[]
): ClusterConfiguration {
  const merged: Partial<ClusterConfiguration> = {
    workerResourceProfileId: runtime.defaultWorkerResourceProfileId,
    workerAdditionalOverheadMemory: 0,
    supervisorResourceProfileId: runtime.defaultSupervisorResourceProfileId,
    supervisorAdditionalOverheadMemory: 0,
    gcProfile: runtime.defaultGcProfile,
  };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value !== undefined && value !== null) (merged as Record<string, unknown>)[key] = value;
    }
  }
  return merged as ClusterConfiguration;
}

/** Is `value` a multiple of 0.01, allowing for binary floating point? */
const onHundredthStep = (value: number) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;

/**
 * Limits a runtime environment puts on a cluster configuration (§6 of the behaviour notes):
 * units above the runtime's maximum, profiles it does not offer, overhead above its maximum.
 * `at` is the JSON pointer of the configuration in the request body.
 */
export function clusterConfigurationProblems(
  config: ClusterConfiguration,
  runtime: RuntimeEnvironment,
  catalog: RuntimeCatalog,
  at: string,
): FieldError[] {
  const problems: FieldError[] = [];
  const add = (field: string, message: string, invalidValue: unknown) =>
    problems.push({ field: `${at}/${field}`, message, invalidValue, code: 'E1000' });
  const known = new Set(catalog.availableResourceProfiles.map((p) => p.id));

  if (config.workers > MAX_WORKERS) add('workers', `must be at most ${MAX_WORKERS}`, config.workers);
  for (const role of ['worker', 'supervisor'] as const) {
    const units = config[`${role}Units`];
    const max = role === 'worker' ? runtime.maxWorkerUnits : runtime.maxSupervisorUnits;
    if (units > max) add(`${role}Units`, `must be at most ${max} for runtime ${runtime.id}`, units);

    const profileId = config[`${role}ResourceProfileId`];
    if (profileId !== undefined) {
      if (!known.has(profileId)) add(`${role}ResourceProfileId`, `unknown resource profile "${profileId}"`, profileId);
      else if (!runtime.availableResourceProfileIds.includes(profileId)) {
        add(`${role}ResourceProfileId`, `resource profile "${profileId}" is not offered by runtime ${runtime.id}`, profileId);
      }
    }
    const overhead = config[`${role}AdditionalOverheadMemory`];
    if (overhead !== undefined) {
      if (overhead > runtime.maxAdditionalOverheadMemory) {
        add(`${role}AdditionalOverheadMemory`, `must be at most ${runtime.maxAdditionalOverheadMemory} for runtime ${runtime.id}`, overhead);
      } else if (!onHundredthStep(overhead)) {
        add(`${role}AdditionalOverheadMemory`, 'must be a multiple of 0.01', overhead);
      }
    }
  }
  if (config.gcProfile !== undefined && !runtime.availableGcProfiles.some((g) => g.id === config.gcProfile)) {
    const offered = runtime.availableGcProfiles.map((g) => g.id).join(', ');
    add('gcProfile', `GC profile "${config.gcProfile}" is not offered by runtime ${runtime.id} (offered: ${offered})`, config.gcProfile);
  }
  return problems;
}
