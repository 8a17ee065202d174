import { RuntimeUnavailable } from '../runtime.js';

/**
 * The inside of the Spark runtime that talks to a cluster manager: submit a driver, ask its
 * state, kill it. The runtime (runtime.ts) builds the request and maps states to Sluice's
 * vocabulary; a submitter only carries them. Standalone's REST submission server is the one
 * implemented (standalone-rest.ts); a Livy (`POST /batches`) or Kubernetes (a SparkApplication
 * resource) submitter is another class with these three methods: the request already holds what
 * each needs (a JAR URI, a main class, arguments, Spark properties, environment variables), and
 * each maps its own states onto `DriverPhase`.
 */
export interface SparkSubmitter {
  /** Which kind of submitter, for messages ("standalone REST", "Livy"). */
  readonly label: string;
  submit(request: DriverRequest): Promise<Submission>;
  status(submissionId: string): Promise<DriverStatus>;
  kill(submissionId: string): Promise<KillAnswer>;
}

export interface DriverRequest {
  /** `spark.app.name`; carries the Sluice job id, so a driver can be told apart on the cluster. */
  appName: string;
  /** A URI the cluster reads the JAR from (nothing is uploaded through the submitter). */
  appResource: string;
  mainClass: string;
  appArgs: string[];
  sparkProperties: Record<string, string>;
  environmentVariables: Record<string, string>;
}

/** Accepted (with the cluster's id for the driver), or refused with the cluster's reason. */
export type Submission =
  | { accepted: true; submissionId: string; message: string; unknownFields: string[] }
  | { accepted: false; message: string };

/**
 * A driver's state in the cluster manager's words (Spark's DriverState for standalone) with
 * what the runtime needs next to it. `notFound`: the manager answered and does not know the id.
 */
export type DriverStatus =
  | { found: true; state: DriverPhase; worker: { id: string; hostPort: string } | null; message: string | null }
  | { found: false; message: string | null };

export type DriverPhase = 'SUBMITTED' | 'RUNNING' | 'RELAUNCHING' | 'FINISHED' | 'FAILED' | 'KILLED' | 'ERROR' | 'UNKNOWN';

export type KillAnswer = { accepted: true; message: string } | { accepted: false; message: string };

/**
 * The cluster manager could not be asked: no connection, a timeout, an answer that is not its
 * protocol, or a manager that answers but cannot act now (a standby master). The job's record
 * stays as it is and the call is tried again later.
 */
export class ClusterUnavailable extends RuntimeUnavailable {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterUnavailable';
  }
}

/** The manager refused the request as malformed: retrying the same request cannot help. */
export class ClusterRejected extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ClusterRejected';
  }
}
