import type { TSchema } from '@sinclair/typebox';
import type { ResourceProfile, RuntimeBinding } from '../domain/runtime-catalog.js';
import { createFlinkRuntime, FlinkBinding } from './flink/create.js';
import type { JobFilesPublisher } from './flink/job-files.js';
import { LocalJvmBinding } from './local-jvm/settings.js';
import { createLocalJvmRuntime } from './local-jvm/create.js';
import { createSparkRuntime } from './spark/create.js';
import { SparkBinding } from './spark/settings.js';
import type { JobRuntime, RuntimeKindName } from './runtime.js';
import type { LocalJvmMachineSettings } from './local-jvm/settings.js';
import type { JobSandbox } from './local-jvm/sandbox/job-sandbox.js';

/** What a runtime kind is given to build one runtime for one catalog binding. */
export interface RuntimeContext {
  /** The runtime's `name` (stored on its jobs): the kind, or `<kind>:<environment>` for a binding. */
  name: string;
  /** The binding's settings, already checked against the kind's schema. */
  binding: RuntimeBinding;
  /** The service's data folder: local runtimes keep job folders and snapshots under it. */
  dataDir: string;
  localJvm: LocalJvmMachineSettings;
  /** The catalog's resource profiles: a remote runtime sizes a job's containers from them. */
  resourceProfiles: ResourceProfile[];
  /** How local jobs are isolated (README: "Job isolation"); none: run as the service. */
  jobSandbox?: JobSandbox;
  /** One object shared by every runtime built in this registry under `key` (a launcher helper). */
  shared<T>(key: string, make: () => T): T;
  /** Where a runtime reports trouble it recovers from by itself (a cluster not reachable yet). */
  warn(message: string, error?: unknown): void;
  /** Serves a remote job's files to it while it starts (absent: no remote runtime can be built). */
  jobFiles?: JobFilesPublisher;
}

/** A runtime kind: the settings a catalog binding of it takes, and how to build one. */
export interface RuntimeKindDefinition {
  kind: RuntimeKindName;
  /** The whole binding, `kind` included; checked when the catalog file is loaded. */
  settings: TSchema;
  create(context: RuntimeContext): JobRuntime;
}

/** Every runtime kind of this build. A new kind is one entry here and its own folder. */
export const RUNTIME_KINDS: RuntimeKindDefinition[] = [
  { kind: 'local-jvm', settings: LocalJvmBinding, create: createLocalJvmRuntime },
  { kind: 'spark', settings: SparkBinding, create: createSparkRuntime },
  { kind: 'flink', settings: FlinkBinding, create: createFlinkRuntime },
];
