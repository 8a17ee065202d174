import { decide, type UserOperation, type VersionState } from '../../src/domain/state-machine.js';

/**
 * The model the model-based API test checks the service against: pipelines and versions by
 * index, each version's kind and state, what is deleted. What an operation answers is derived
 * from the lifecycle table in src/domain/state-machine.ts plus the pipeline-wide rules of the
 * README (one active version per pipeline; another realm's ids are unknown).
 */
export type VersionKindInModel = 'stream' | 'scheduled' | 'run-now';

export interface ModelPipeline {
  index: number;
  realm: 'a' | 'b';
  deleted: boolean;
}

export interface ModelVersion {
  index: number;
  pipeline: number;
  realm: 'a' | 'b';
  kind: VersionKindInModel;
  state: VersionState;
  deleted: boolean;
}

export interface Model {
  pipelines: ModelPipeline[];
  versions: ModelVersion[];
}

export type ExpectedOutcome =
  | { status: 202; to: VersionState }
  | { status: 400; namesState: boolean }
  | { status: 404 };

/** What `op` on `v`, asked by its own realm, must answer, and the state it leads to when accepted. */
export function expectedOperationOutcome(m: Readonly<Model>, v: ModelVersion, op: UserOperation): ExpectedOutcome {
  if (v.deleted || m.pipelines[v.pipeline].deleted) return { status: 404 };
  const decision = decide(op, v.kind, v.state);
  if (!decision.allowed) return { status: 400, namesState: true };
  const busy = m.versions.some((o) => o.pipeline === v.pipeline && o.index !== v.index && !o.deleted && o.state !== 'ready');
  if (op === 'activate' && busy) return { status: 400, namesState: false };
  return { status: 202, to: decision.transition.to };
}
