import path from 'node:path';
import type { RuntimeContext } from '../kinds.js';
import { LocalJvmMachine, LocalJvmRuntime } from './runtime.js';

/**
 * A local JVM runtime for one catalog binding. Every one of them shares the service's job and
 * snapshot folders and its launcher helper, started here at once: it is forked while the service
 * is still small (see launcher.ts).
 */
export function createLocalJvmRuntime(context: RuntimeContext): LocalJvmRuntime {
  const machine = context.shared('local-jvm', () => {
    const made = new LocalJvmMachine(path.join(context.dataDir, 'jobs'), path.join(context.dataDir, 'snapshots'));
    made.launcher.warmUp();
    return made;
  });
  return new LocalJvmRuntime(context.name, machine, context.localJvm);
}
