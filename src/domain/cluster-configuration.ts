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

/** Only these are merged: anything else a layer carries (an extra request field) is left out. */
const CLUSTER_CONFIGURATION_FIELDS = [
  'workers', 'workerUnits', 'workerResourceProfileId', 'workerAdditionalOverheadMemory',
  'supervisorUnits', 'supervisorResourceProfileId', 'supervisorAdditionalOverheadMemory', 'gcProfile',
] as const satisfies readonly (keyof ClusterConfiguration)[];

/**
 * A complete configuration: what was given, over the template's defaults (for a version), over
 * the runtime environment's defaults. Later layers win field by field; an undefined or null
 * field never overrides.
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
    for (const key of CLUSTER_CONFIGURATION_FIELDS) {
      const value = layer?.[key];
      if (value !== undefined && value !== null) (merged as Record<string, unknown>)[key] = value;
    }
  }
  return merged as ClusterConfiguration;
}

/**
 * Is `value` a multiple of 0.01, allowing for binary floating point? `0.57 * 100` is off by
 * 7e-15 and every k/100 up to 1000 by less than 1e-12, so 1e-9 forgives rounding only: the
 * earlier 1e-6 also let 0.010000001 through.
 */
const onHundredthStep = (value: number) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-9;

/**
 * Limits a runtime environment puts on a cluster configuration (§6 of the behaviour notes):
 * workers 1..199, units 1..the runtime's maximum, profiles it does not offer, overhead 0..its
 * maximum in steps of 0.01, GC profiles it does not offer.
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

  // The route schemas check types and lower bounds too; repeated here so that a configuration
  // merged from stored layers is held to the same limits as one read from a request.
  if (!Number.isInteger(config.workers) || config.workers < 1) add('workers', 'must be a whole number of at least 1', config.workers);
  else if (config.workers > MAX_WORKERS) add('workers', `must be at most ${MAX_WORKERS}`, config.workers);
  for (const role of ['worker', 'supervisor'] as const) {
    const units = config[`${role}Units`];
    const max = role === 'worker' ? runtime.maxWorkerUnits : runtime.maxSupervisorUnits;
    if (!Number.isInteger(units) || units < 1) add(`${role}Units`, 'must be a whole number of at least 1', units);
    else if (units > max) add(`${role}Units`, `must be at most ${max} for runtime ${runtime.id}`, units);

    const profileId = config[`${role}ResourceProfileId`];
    if (profileId !== undefined) {
      if (!known.has(profileId)) add(`${role}ResourceProfileId`, `unknown resource profile "${profileId}"`, profileId);
      else if (!runtime.availableResourceProfileIds.includes(profileId)) {
        add(`${role}ResourceProfileId`, `resource profile "${profileId}" is not offered by runtime ${runtime.id}`, profileId);
      }
    }
    const overhead = config[`${role}AdditionalOverheadMemory`];
    if (overhead !== undefined) {
      if (!Number.isFinite(overhead) || overhead < 0) {
        add(`${role}AdditionalOverheadMemory`, 'must be a number of at least 0', overhead);
      } else if (overhead > runtime.maxAdditionalOverheadMemory) {
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
