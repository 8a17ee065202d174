/**
 * Runtime environments and resource profiles offered to templates and versions. The built-in
 * catalog mirrors the shapes of the hosted offer; an operator may replace it with a JSON file
 * (SLUICE_RUNTIME_CATALOG), checked at start.
 */
export interface GcProfile { id: string; name: string; description: string }

export interface RuntimeEnvironment {
  id: string;
  displayName: string;
  description: string;
  availableResourceProfileIds: string[];
  defaultWorkerResourceProfileId: string;
  defaultSupervisorResourceProfileId: string;
  maxWorkerUnits: number;
  maxSupervisorUnits: number;
  maxAdditionalOverheadMemory: number;
  defaultGcProfile: string;
  availableGcProfiles: GcProfile[];
  deprecationPeriodAnnounced?: string;
  deprecationPeriodEnd?: string;
}

export interface ResourceProfile {
  id: string;
  label: string;
  name: string;
  cpuPerUnit: number;
  memoryInGiBPerUnit: number;
  diskInGiBPerUnit: number;
}

export interface RuntimeCatalog {
  availableRuntimes: RuntimeEnvironment[];
  availableResourceProfiles: ResourceProfile[];
  /**
   * Which runtime runs each environment's jobs, and its settings (checked by that runtime's own
   * schema in `src/runtimes/<kind>/`). An environment without a binding runs on the local JVM.
   * Never shown by the API: a binding may hold credentials.
   */
  runtimeBindings?: Record<string, RuntimeBinding>;
}

/** One environment's runtime: `kind` picks the runtime; the rest is that runtime's settings. */
export interface RuntimeBinding {
  kind: string;
  [setting: string]: unknown;
}

export type RuntimeKind = 'batch' | 'stream';

/** `batch-3.0.0`, `stream-5.0`: a kind, then a version of two or three parts. */
export function runtimeKindOf(runtimeId: string): RuntimeKind | null {
  const match = /^(batch|stream)-\d+\.\d+(\.\d+)?$/.exec(runtimeId);
  return match ? (match[1] as RuntimeKind) : null;
}

const gcProfiles: GcProfile[] = [
  { id: 'g1gc', name: 'G1', description: 'Garbage-First collector: balanced pauses and throughput (JVM default).' },
  { id: 'parallelgc', name: 'Parallel', description: 'Throughput collector for batch work that tolerates pauses.' },
];

const profile = (id: string, name: string, cpu: number, memory: number, disk: number): ResourceProfile => ({
  id, label: id, name, cpuPerUnit: cpu, memoryInGiBPerUnit: memory, diskInGiBPerUnit: disk,
});

const batchProfiles = ['batch-standard', 'batch-high-memory', 'batch-high-cpu'];
const streamProfiles = ['stream-standard', 'stream-high-memory', 'stream-high-cpu'];

const runtime = (
  id: string,
  displayName: string,
  profiles: string[],
  extra: Partial<RuntimeEnvironment> = {},
): RuntimeEnvironment => ({
  id,
  displayName,
  description: `${displayName} runtime environment`,
  // Copies: runtimes must not share arrays, or a change to one would show in the others.
  availableResourceProfileIds: [...profiles],
  defaultWorkerResourceProfileId: profiles[0],
  defaultSupervisorResourceProfileId: profiles[0],
  maxWorkerUnits: 15,
  maxSupervisorUnits: 15,
  maxAdditionalOverheadMemory: 0.05,
  defaultGcProfile: 'g1gc',
  availableGcProfiles: gcProfiles.map((g) => ({ ...g })),
  ...extra,
});

export const builtInCatalog: RuntimeCatalog = {
  availableRuntimes: [
    runtime('batch-2.1.0', 'Batch 2.1 (Spark 2.4)', batchProfiles, {
      deprecationPeriodAnnounced: '2026-01-15T00:00:00Z',
      deprecationPeriodEnd: '2027-01-15T00:00:00Z',
    }),
    runtime('batch-3.0.0', 'Batch 3.0 (Spark 3.4)', batchProfiles),
    runtime('stream-4.0.0', 'Stream 4.0 (Flink 1.13)', streamProfiles, {
      deprecationPeriodAnnounced: '2026-01-15T00:00:00Z',
      deprecationPeriodEnd: '2027-01-15T00:00:00Z',
    }),
    runtime('stream-5.0', 'Stream 5.0 (Flink 1.17)', streamProfiles),
  ],
  availableResourceProfiles: [
    // One unit by default: 1 CPU, 7 GiB memory, 8 GiB disk (stream) or 32 GiB (batch).
    profile('batch-standard', 'Batch standard', 1, 7, 32),
    profile('batch-high-memory', 'Batch high memory', 1, 14, 32),
    profile('batch-high-cpu', 'Batch high CPU', 2, 7, 32),
    profile('stream-standard', 'Stream standard', 1, 7, 8),
    profile('stream-high-memory', 'Stream high memory', 1, 14, 8),
    profile('stream-high-cpu', 'Stream high CPU', 2, 7, 8),
  ],
};

/** The runtime a template gets when it names none. */
export const DEFAULT_RUNTIME_ID = 'batch-3.0.0';

export function findRuntime(catalog: RuntimeCatalog, id: string): RuntimeEnvironment | undefined {
  return catalog.availableRuntimes.find((r) => r.id === id);
}

/** The values that occur more than once, each named once. */
function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) (seen.has(value) ? repeated : seen).add(value);
  return [...repeated];
}

/** Problems that make a catalog file unusable; empty when it is consistent. */
export function catalogProblems(catalog: RuntimeCatalog): string[] {
  const problems: string[] = [];
  const profiles = new Set(catalog.availableResourceProfiles.map((p) => p.id));
  for (const id of duplicates(catalog.availableResourceProfiles.map((p) => p.id))) {
    problems.push(`resource profile "${id}" is listed more than once`);
  }
  for (const id of duplicates(catalog.availableRuntimes.map((r) => r.id))) {
    problems.push(`runtime "${id}" is listed more than once`);
  }
  for (const r of catalog.availableRuntimes) {
    if (!runtimeKindOf(r.id)) problems.push(`runtime id "${r.id}" must look like batch-X.Y[.Z] or stream-X.Y[.Z]`);
    for (const id of new Set(r.availableResourceProfileIds)) {
      if (!profiles.has(id)) problems.push(`runtime ${r.id} names unknown resource profile "${id}"`);
    }
    // A default the runtime does not offer would make every configuration that relies on it
    // fail clusterConfigurationProblems.
    for (const role of ['Worker', 'Supervisor'] as const) {
      const id = r[`default${role}ResourceProfileId`];
      if (r.availableResourceProfileIds.includes(id)) continue; // checked with the list above
      problems.push(profiles.has(id)
        ? `runtime ${r.id}: default ${role.toLowerCase()} resource profile "${id}" is not among its available ones`
        : `runtime ${r.id} names unknown resource profile "${id}"`);
    }
    for (const id of duplicates(r.availableGcProfiles.map((g) => g.id))) {
      problems.push(`runtime ${r.id}: GC profile "${id}" is listed more than once`);
    }
    if (!r.availableGcProfiles.some((g) => g.id === r.defaultGcProfile)) {
      problems.push(`runtime ${r.id}: default GC profile "${r.defaultGcProfile}" is not among its available ones`);
    }
  }
  const environments = new Set(catalog.availableRuntimes.map((r) => r.id));
  for (const id of Object.keys(catalog.runtimeBindings ?? {})) {
    if (!environments.has(id)) problems.push(`runtimeBindings names "${id}", which availableRuntimes does not list`);
  }
  return [...new Set(problems)];
}
