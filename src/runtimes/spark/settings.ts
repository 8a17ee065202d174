import { Type, type Static } from '@sinclair/typebox';

/**
 * A `spark` binding in the runtime catalog file (SLUICE_RUNTIME_CATALOG, `runtimeBindings`):
 *
 *     "batch-3.0.0": { "kind": "spark", "restUrl": "http://master:6066", "masterUrl": "spark://master:7077",
 *                      "sparkVersion": "3.5.1", "sharedDir": "/mnt/sluice-spark" }
 *
 * See README "Batch pipelines on a Spark standalone cluster" for each setting.
 */
/** Absolute, and without blanks or quotes: the paths go into `extraJavaOptions`, which Spark splits on blanks. */
const SHARED_PATH = '^/[^\\s\'"]*$';

export const SparkBinding = Type.Object({
  kind: Type.Literal('spark'),
  /** The Master's REST submission server (`spark.master.rest.enabled=true`, port 6066). */
  restUrl: Type.String({ pattern: '^https?://' }),
  /** What drivers connect to, sent as `spark.master` (`spark://host:7077`; several masters comma-separated). */
  masterUrl: Type.String({ pattern: '^spark://' }),
  /** Sent as `clientSparkVersion`; the probe compares it with the master's `serverSparkVersion`. */
  sparkVersion: Type.String({ pattern: '^\\d+\\.\\d+(\\.\\d+)?' }),
  /** How often a live driver's status is asked for (one REST call per driver per interval). */
  pollIntervalMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  /**
   * A folder every replica and every Spark machine mounts (NFS, a CSI volume…). Sluice writes the
   * package JARs and each job's files into it; the cluster reads them from `sharedDirOnCluster`.
   */
  sharedDir: Type.String({ pattern: SHARED_PATH }),
  /** The same folder as the Spark machines mount it, when the path differs (default: `sharedDir`). */
  sharedDirOnCluster: Type.Optional(Type.String({ pattern: SHARED_PATH })),
  /** `spark.driver.supervise`: the cluster restarts a driver whose worker is lost (default false). */
  supervise: Type.Optional(Type.Boolean()),
  /** The workers' web UI port (`spark.worker.ui.port`), for a job's `loggingUrl` (default 8081). */
  workerUiPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** Extra Spark properties for every job of this environment (event logs, a queue…); Sluice's own win. */
  sparkProperties: Type.Optional(Type.Record(Type.String({ pattern: '^spark\\.' }), Type.String(), { additionalProperties: false })),
  /** Per REST call (default 10 000). */
  requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
}, { additionalProperties: false });
export type SparkBinding = Static<typeof SparkBinding>;

/** A binding with its defaults filled in. */
export interface SparkSettings {
  restUrl: string;
  masterUrl: string;
  sparkVersion: string;
  pollIntervalMs: number;
  sharedDir: string;
  sharedDirOnCluster: string;
  supervise: boolean;
  workerUiPort: number;
  sparkProperties: Record<string, string>;
  requestTimeoutMs: number;
}

export function sparkSettings(binding: SparkBinding): SparkSettings {
  return {
    restUrl: binding.restUrl.replace(/\/+$/, ''),
    masterUrl: binding.masterUrl,
    sparkVersion: binding.sparkVersion,
    pollIntervalMs: binding.pollIntervalMs ?? 5_000,
    sharedDir: binding.sharedDir,
    sharedDirOnCluster: binding.sharedDirOnCluster ?? binding.sharedDir,
    supervise: binding.supervise ?? false,
    workerUiPort: binding.workerUiPort ?? 8081,
    sparkProperties: binding.sparkProperties ?? {},
    requestTimeoutMs: binding.requestTimeoutMs ?? 10_000,
  };
}
