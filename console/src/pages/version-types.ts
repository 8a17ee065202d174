/** A version as `/v2` presents it (the fields the console shows). */
export interface Version {
  id: string;
  pipelineId: string;
  name: string;
  state: string;
  versionNumber: number;
  pipelineTemplateId: string;
  nextJobAttempt?: string;
  created: string;
}

/** What GET /sluice/v1/console/pipelines/{id}/versions/{id} answers (src/http/console/version-view.ts). */
export interface VersionView {
  version: Version & {
    inputCatalogs: Record<string, string>;
    outputCatalogHRN: string;
    schedulerConfiguration?: { catalogTriggerOptions?: string; timeTriggerOptions?: { cronJobExpression: string; processingType: string } };
    clusterConfiguration: Record<string, unknown>;
    customRuntimeConfiguration?: string;
    streamConfiguration?: Record<string, string>;
    pipelineUIUrl?: string;
    loggingConfiguration: { configuration: { loggers: { root: { level: string }; logger?: { name: string; level: string }[] } } };
    updated: string;
  };
  kind: 'stream' | 'run-now' | 'scheduled';
  pipeline?: { id: string; name: string };
  template?: { id: string; name: string; state: string; runtimeEnvironment: string; inputCatalogIds: string[] };
  operations: { id: string; requestType: string; state: string; message?: string; userId: string; created: string; updated: string; request?: Record<string, unknown> }[];
  jobs: Job[];
  decisions: { at: string; trigger: string; decision: string; reason: string; jobId?: string; evaluations: number; lastEvaluated: string }[];
  snapshots: { id: string; jobId: string; reason: string; created: string }[];
  latestCheckpoint?: { jobId: string; name: string };
  siblings: { id: string; name: string; versionNumber: number; state: string }[];
}

export interface Job {
  id: string;
  state: string;
  message?: string;
  exitCode?: number;
  attempt: number;
  highAvailability: boolean;
  catalogVersions?: Record<string, unknown>;
  created: string;
  ended?: string;
  latestCheckpoint?: string;
  restoredFrom?: string;
  logRemoved?: string;
}

export const isLive = (state: string) => state === 'starting' || state === 'running';
