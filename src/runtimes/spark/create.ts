import type { RuntimeContext } from '../kinds.js';
import { SparkRuntime } from './runtime.js';
import { sparkSettings, type SparkBinding } from './settings.js';
import { StandaloneRestSubmitter } from './standalone-rest.js';

/** A Spark runtime for one catalog binding (checked against SparkBinding when the catalog was loaded). */
export function createSparkRuntime(context: RuntimeContext): SparkRuntime {
  const settings = sparkSettings(context.binding as SparkBinding);
  const submitter = new StandaloneRestSubmitter({ restUrl: settings.restUrl, sparkVersion: settings.sparkVersion, timeoutMs: settings.requestTimeoutMs });
  return new SparkRuntime(context.name, settings, submitter, () => context.resourceProfiles);
}
