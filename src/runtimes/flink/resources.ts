import type { ClusterConfiguration } from '../../domain/cluster-configuration.js';
import type { ResourceProfile } from '../../domain/runtime-catalog.js';

/**
 * What a version's cluster configuration becomes on a Flink session cluster. A session
 * cluster's JobManager and TaskManagers are shared by every job and sized when the cluster is
 * started, so only what Flink lets one job choose is applied; the rest is the cluster's own
 * (README, "Flink runtime", has this table):
 *
 * | Sluice                                   | Flink                                                    |
 * |------------------------------------------|----------------------------------------------------------|
 * | workers × workerUnits                    | `parallelism` of the run request: one task slot a unit   |
 * | worker profile cpu / memory per unit     | what each slot should have; compared with the cluster's  |
 * |                                          | slots by `check:flink`, not settable per job             |
 * | supervisorUnits, supervisor profile      | the shared JobManager: not applied                       |
 * | gcProfile, additional overhead memory    | TaskManager JVM options: not applied                     |
 */
export interface FlinkResources {
  parallelism: number;
  /** Task slots the job occupies at that parallelism (one slot-sharing group). */
  slots: number;
  /** What each slot should offer for the job to get what its configuration asks. */
  memoryPerSlotMiB: number;
  cpuPerSlot: number;
  /** Settings of the configuration a session cluster cannot apply per job. */
  notApplied: string[];
}

export function flinkResources(cluster: ClusterConfiguration, workerProfile: ResourceProfile | undefined): FlinkResources {
  const parallelism = cluster.workers * cluster.workerUnits;
  const notApplied = ['supervisorUnits'];
  if (cluster.gcProfile) notApplied.push('gcProfile');
  if ((cluster.workerAdditionalOverheadMemory ?? 0) > 0) notApplied.push('workerAdditionalOverheadMemory');
  if ((cluster.supervisorAdditionalOverheadMemory ?? 0) > 0) notApplied.push('supervisorAdditionalOverheadMemory');
  return {
    parallelism,
    slots: parallelism,
    memoryPerSlotMiB: Math.round((workerProfile?.memoryInGiBPerUnit ?? 0) * 1024),
    cpuPerSlot: workerProfile?.cpuPerUnit ?? 0,
    notApplied,
  };
}
