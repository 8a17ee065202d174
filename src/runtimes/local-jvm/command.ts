import path from 'node:path';
import type { ClusterConfiguration } from '../../domain/cluster-configuration.js';
import type { JobSpec } from '../runtime.js';
import { CHECKPOINTS, SNAPSHOT } from './state.js';

export interface LocalJvmSettings {
  /** The `java` to run (SLUICE_JAVA; default: $JAVA_HOME/bin/java, else `java` on PATH). */
  java: string;
  /** Heap per resource unit (SLUICE_LOCAL_HEAP_MB_PER_UNIT, default 256). */
  heapMbPerUnit: number;
  /** Ceiling for one job's heap (SLUICE_LOCAL_MAX_HEAP_MB, default 2048). */
  maxHeapMb: number;
  /**
   * A folder of extra JARs for jobs of one runtime environment (its catalog binding's
   * `classpath`): a Flink distribution's `lib/` lets a Flink job JAR built with Flink as
   * `provided` run in Flink's local mini-cluster. After the job's own JAR, so its classes win.
   */
  classpath?: string;
}

/**
 * A local job is one JVM standing for the supervisor and all workers, so its heap follows the
 * units the cluster configuration asks for: (supervisorUnits + workers × workerUnits) ×
 * heapMbPerUnit, capped at maxHeapMb (a laptop cannot give each unit the 7 GiB a hosted unit has).
 */
export function heapMb(cluster: ClusterConfiguration, settings: LocalJvmSettings): number {
  const units = cluster.supervisorUnits + cluster.workers * cluster.workerUnits;
  return Math.max(64, Math.min(units * settings.heapMbPerUnit, settings.maxHeapMb));
}

const GC_FLAGS: Record<string, string> = { g1gc: '-XX:+UseG1GC', parallelgc: '-XX:+UseParallelGC' };

/** The marker argument that lets a restarted service find the job's processes (of this attempt) again. */
export const jobMarker = (jobId: string, attempt: number) => `-Dsluice.job.id=${jobId}.${attempt}`;

export function javaArguments(spec: JobSpec, workDir: string, settings: LocalJvmSettings): string[] {
  const args = [`-Xmx${heapMb(spec.cluster, settings)}m`];
  const gc = GC_FLAGS[spec.cluster.gcProfile ?? 'g1gc'];
  if (gc) args.push(gc);
  args.push(
    jobMarker(spec.jobId, spec.attempt),
    `-Dpipeline-config.file=${path.join(workDir, 'pipeline-config.conf')}`,
    `-Dlog4j2.configurationFile=${path.join(workDir, 'log4j2.xml')}`,
    `-Dlog4j.configurationFile=${path.join(workDir, 'log4j2.xml')}`,
  );
  if (spec.kind === 'batch' && spec.catalogVersions) {
    args.push(`-Dpipeline-job.file=${path.join(workDir, 'pipeline-job.conf')}`);
  }
  if (spec.kind === 'stream') {
    args.push(`-Dpipeline.checkpoint.dir=${path.join(workDir, CHECKPOINTS)}`, `-Dpipeline.snapshot.dir=${path.join(workDir, SNAPSHOT)}`);
    if (spec.restoreLocation) args.push(`-Dpipeline.restore.dir=${spec.restoreLocation}`);
  }
  // `<folder>/*` is the JVM's own wildcard: every JAR in the folder, in no particular order.
  const classpath = [workDir, spec.jarPath, ...(settings.classpath ? [path.join(settings.classpath, '*')] : [])];
  args.push('-cp', classpath.join(path.delimiter), spec.entryPointClassName);
  return args;
}

/**
 * The wrapper the JVM runs under. It outlives a killed service (its own session), passes
 * signals sent to the process group to the JVM untouched, and writes the JVM's exit code to
 * `exit-code` so that a restarted service learns how a job ended while it was down. The file is
 * written in place, not renamed into place: the service reads it only once the wrapper is gone,
 * and a `mv` (a fork and exec) added ~3 ms to every job's end.
 */
/**
 * Runs "$@" in the background and waits for it through signals: a TERM to the wrapper interrupts
 * `wait`, so it waits again until the child has really ended; `$code` is then its exit code.
 */
export const RUN_CHILD_TO_ITS_END = [
  "trap ':' TERM INT",
  '"$@" &',
  'child=$!',
  'while :; do',
  '  wait "$child"; code=$?',
  '  kill -0 "$child" 2>/dev/null || break',
  'done',
];

export const WRAPPER_SCRIPT = [
  ...RUN_CHILD_TO_ITS_END,
  'printf "%s\\n" "$code" > exit-code',
  'exit "$code"',
].join('\n');
