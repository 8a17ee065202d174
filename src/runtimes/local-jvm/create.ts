import fs from 'node:fs/promises';
import path from 'node:path';
import type { RuntimeContext } from '../kinds.js';
import { LocalJvmMachine, LocalJvmRuntime } from './runtime.js';
import type { LocalJvmBinding } from './settings.js';

/**
 * A local JVM runtime for one catalog binding. Every one of them shares the service's job and
 * snapshot folders and its launcher helper, started here at once: it is forked while the service
 * is still small (see launcher.ts).
 */
export function createLocalJvmRuntime(context: RuntimeContext): LocalJvmRuntime {
  const machine = context.shared('local-jvm', () => {
    const made = new LocalJvmMachine(path.join(context.dataDir, 'jobs'), path.join(context.dataDir, 'snapshots'), context.jobSandbox);
    made.launcher.warmUp();
    return made;
  });
  const binding = context.binding as LocalJvmBinding;
  if (binding.classpath) {
    const folder = binding.classpath;
    // Reported, not fatal: the folder may be mounted after the service starts; jobs started
    // before it is there run without it (the JVM skips a wildcard that matches nothing).
    fs.stat(folder).then((stat) => {
      if (!stat.isDirectory()) context.warn(`runtime ${context.name}: classpath ${folder} is not a folder`);
    }, (error) => context.warn(`runtime ${context.name}: classpath folder ${folder} cannot be read`, error));
  }
  return new LocalJvmRuntime(context.name, machine, { ...context.localJvm, classpath: binding.classpath });
}
