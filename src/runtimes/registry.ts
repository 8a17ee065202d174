import type { RuntimeCatalog } from '../domain/runtime-catalog.js';
import { RUNTIME_KINDS, type RuntimeContext } from './kinds.js';
import type { JobRuntime } from './runtime.js';

/** The environments without a binding, and the default for anything unknown. */
const DEFAULT_BINDING = { kind: 'local-jvm' } as const;

/**
 * The runtimes of this service, one per catalog binding (README: "Runtime catalog"). A job's
 * runtime is chosen once, by its template's runtime environment, when the job is created; its
 * row then names the runtime (`jobs.runtime`), so a job keeps its runtime even if the catalog
 * binds the environment elsewhere later.
 */
export class RuntimeRegistry {
  private readonly byName = new Map<string, JobRuntime>();
  private readonly byEnvironment = new Map<string, JobRuntime>();

  constructor(private readonly fallback: JobRuntime, bound: { environment: string; runtime: JobRuntime }[]) {
    this.byName.set(fallback.name, fallback);
    for (const { environment, runtime } of bound) {
      this.byEnvironment.set(environment, runtime);
      this.byName.set(runtime.name, runtime);
    }
  }

  /** The runtime a new job of a template in `environment` runs on. */
  forEnvironment(environment: string): JobRuntime {
    return this.byEnvironment.get(environment) ?? this.fallback;
  }

  /**
   * The runtime a job's row names. A name no binding has any more (the catalog changed) falls
   * back to a runtime of the same kind: for the local JVM the process is on this machine
   * whatever the binding was; a remote job whose binding is gone cannot be reached (undefined).
   */
  forJob(job: { runtime: string }): JobRuntime | undefined {
    const named = this.byName.get(job.runtime);
    if (named) return named;
    const kind = job.runtime.split(':')[0];
    return kind === this.fallback.kind ? this.fallback : undefined;
  }

  all(): JobRuntime[] {
    return [...this.byName.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((runtime) => runtime.close()));
  }
}

export type RegistryContext = Omit<RuntimeContext, 'name' | 'binding' | 'shared'>;

/** Builds a runtime per binding of the catalog (checked when it was loaded), plus the default local JVM. */
export function createRuntimeRegistry(catalog: RuntimeCatalog, context: RegistryContext): RuntimeRegistry {
  const sharedObjects = new Map<string, unknown>();
  const shared = <T>(key: string, make: () => T): T => {
    if (!sharedObjects.has(key)) sharedObjects.set(key, make());
    return sharedObjects.get(key) as T;
  };
  const build = (name: string, binding: RuntimeContext['binding']) => {
    const definition = RUNTIME_KINDS.find((k) => k.kind === binding.kind);
    if (!definition) throw new Error(`runtime kind "${binding.kind}" is not part of this build`);
    return definition.create({ resourceProfiles: catalog.availableResourceProfiles, ...context, name, binding, shared });
  };
  const fallback = build(DEFAULT_BINDING.kind, DEFAULT_BINDING);
  const bound = Object.entries(catalog.runtimeBindings ?? {}).map(([environment, binding]) => ({
    environment,
    // A binding that asks for nothing beyond its kind's defaults is the default runtime itself.
    runtime: Object.keys(binding).length === 1 && binding.kind === fallback.kind ? fallback : build(`${binding.kind}:${environment}`, binding),
  }));
  return new RuntimeRegistry(fallback, bound);
}
