import { Type, type Static } from '@sinclair/typebox';
import type { LocalJvmSettings } from './command.js';

/**
 * The local JVM's settings. Machine-wide ones come from the service's environment (SLUICE_JAVA,
 * SLUICE_LOCAL_HEAP_MB_PER_UNIT, SLUICE_LOCAL_MAX_HEAP_MB, SLUICE_LOCAL_SAFETY_POLL_MS); a
 * runtime catalog binding of kind `local-jvm` may add its own per environment.
 */
export interface LocalJvmMachineSettings extends LocalJvmSettings {
  /**
   * How often a live local job is looked at without a reason (SLUICE_LOCAL_SAFETY_POLL_MS). The
   * process's exit and new checkpoints are reported as they happen; the poll only catches what
   * slipped past those reports.
   */
  safetyPollMs: number;
}

/** A `local-jvm` binding in the runtime catalog file. */
export const LocalJvmBinding = Type.Object({
  kind: Type.Literal('local-jvm'),
  /** An absolute folder of extra JARs put on the job's classpath (a Flink distribution's `lib/`, say). */
  classpath: Type.Optional(Type.String({ minLength: 2, pattern: '^/' })),
}, { additionalProperties: false });
export type LocalJvmBinding = Static<typeof LocalJvmBinding>;
