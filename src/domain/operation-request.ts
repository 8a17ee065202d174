import { fieldError, invalidState, validationError, type FieldError } from './errors.js';
import { pointerSegment } from './json-pointer.js';
import { decide, kindOf, type UserOperation, type VersionKind, type VersionState } from './state-machine.js';

export interface InputVersionRequest {
  processingType: 'changes' | 'reprocess' | 'no_changes';
  version: number;
  sinceVersion?: number;
}

export interface ActivateRequest {
  inputCatalogs?: Record<string, InputVersionRequest>;
  outputCatalog?: { baseVersion: number };
  snapshotId?: string;
  useLatestCheckpoint?: boolean;
}

export interface OperationRequestContext {
  type: UserOperation;
  version: { id: string; state: VersionState; runMode: VersionKind | null; hasSchedule: boolean; runtime: 'batch' | 'stream'; labels: string[] };
  templateState: string;
  /** Every version of the pipeline, with whether an operation is in flight on it. */
  pipelineVersions: { id: string; state: string; pending: boolean }[];
  activate?: ActivateRequest;
  /** activate of a stream version: whether what it asks to start from exists for this pipeline. */
  restore?: { snapshotOfPipeline: boolean; checkpointExists: boolean };
  /** upgrade: the target version as found in the same pipeline (undefined when it is not there). */
  upgrade?: { toVersionId: string; target?: { kind: VersionKind; templateState: string } };
}

/**
 * Whether a user operation may be accepted now (behaviour notes §2): one operation in flight
 * per version, the lifecycle table, and for activate the template, the other versions and the
 * pinned catalog versions. Throws the 400 to answer; returns the kind the version will run as.
 */
export function checkOperationRequest(ctx: OperationRequestContext): VersionKind {
  const { type, version } = ctx;
  if (ctx.pipelineVersions.some((v) => v.id === version.id && v.pending)) {
    throw invalidState(`Another operation on this version is still being processed (state: ${version.state}); wait until it has finished.`);
  }
  const pins = ctx.activate?.inputCatalogs !== undefined || ctx.activate?.outputCatalog !== undefined;
  const kind = version.runMode ?? kindOf(version.runtime, version.hasSchedule, pins);
  const decision = decide(type, kind, version.state);
  if (!decision.allowed) throw invalidState(decision.reason);
  if (type === 'activate') {
    if (ctx.templateState !== 'created') {
      throw invalidState(`The pipeline template is in state ${ctx.templateState}; only a created template can be activated.`);
    }
    const busy = ctx.pipelineVersions.find((v) => v.id !== version.id && (v.state !== 'ready' || v.pending));
    if (busy) {
      throw invalidState(`Version ${busy.id} of this pipeline is ${busy.state === 'ready' ? 'being changed' : busy.state}; only one version may be active.`);
    }
    if (ctx.activate) checkActivation(ctx.activate, version.runtime, version.labels, ctx.restore);
  }
  if (type === 'upgrade' && ctx.upgrade) checkUpgrade(ctx, kind);
  return kind;
}

/** A stream activation starts from at most one thing, and it must exist for this pipeline. */
function checkRestore(request: ActivateRequest, restore: OperationRequestContext['restore']): void {
  if (request.snapshotId !== undefined && request.useLatestCheckpoint) {
    throw fieldError('/useLatestCheckpoint', 'cannot be true together with snapshotId: give one thing to start from', true);
  }
  if (request.snapshotId !== undefined && !restore?.snapshotOfPipeline) {
    throw fieldError('/snapshotId', 'is not a snapshot of this pipeline (or it was garbage-collected)', request.snapshotId);
  }
  if (request.useLatestCheckpoint && !restore?.checkpointExists) {
    throw fieldError('/useLatestCheckpoint', 'this pipeline\'s last job left no checkpoint to start from', true);
  }
}

function checkUpgrade(ctx: OperationRequestContext, kind: VersionKind): void {
  const { toVersionId, target } = ctx.upgrade!;
  const found = ctx.pipelineVersions.find((v) => v.id === toVersionId);
  if (toVersionId === ctx.version.id) throw fieldError('/toVersionId', 'must be another version than the one upgraded', toVersionId);
  if (!found || !target) throw fieldError('/toVersionId', 'is not a version of this pipeline', toVersionId);
  if (found.pending) throw invalidState(`Version ${toVersionId} has an operation in flight; wait until it has finished.`);
  if (found.state !== 'ready') throw invalidState(`The target version ${toVersionId} is ${found.state}; it must be ready.`);
  if (target.templateState !== 'created') throw invalidState(`The target version's template is in state ${target.templateState}; it must be created.`);
  if (target.kind !== kind) {
    throw fieldError('/toVersionId', `the target is a ${target.kind} version and cannot take over from a ${kind} version`, toVersionId);
  }
}

function checkActivation(request: ActivateRequest, runtime: 'batch' | 'stream', labels: string[], restore?: OperationRequestContext['restore']): void {
  const pins = request.inputCatalogs !== undefined || request.outputCatalog !== undefined;
  if (runtime === 'stream' && pins) {
    throw fieldError(request.inputCatalogs ? '/inputCatalogs' : '/outputCatalog', 'a stream version takes no catalog versions');
  }
  if (runtime === 'batch' && (request.snapshotId !== undefined || request.useLatestCheckpoint)) {
    throw fieldError(request.snapshotId !== undefined ? '/snapshotId' : '/useLatestCheckpoint', 'only a stream version starts from a snapshot or checkpoint');
  }
  if (runtime === 'stream') checkRestore(request, restore);
  if (!pins) return;
  const problems: FieldError[] = [];
  const inputs = request.inputCatalogs ?? {};
  if (request.inputCatalogs === undefined) problems.push({ field: '/inputCatalogs', message: 'is required with outputCatalog: give a version for each input catalog', code: 'E1000' });
  if (request.outputCatalog === undefined) problems.push({ field: '/outputCatalog', message: 'is required with inputCatalogs: give the baseVersion to commit on', code: 'E1000' });
  for (const label of labels) {
    if (request.inputCatalogs && !(label in inputs)) problems.push({ field: '/inputCatalogs', message: `is missing the input catalog "${label}"`, code: 'E1000' });
  }
  for (const [label, input] of Object.entries(inputs)) {
    const at = `/inputCatalogs/${pointerSegment(label)}`;
    if (!labels.includes(label)) problems.push({ field: at, message: `"${label}" is not an input catalog of this version`, invalidValue: label, code: 'E1000' });
    if (input.version < 0) problems.push({ field: `${at}/version`, message: 'must be 0 or more', invalidValue: input.version, code: 'E1000' });
    if (input.processingType === 'changes') {
      if (input.sinceVersion === undefined) problems.push({ field: `${at}/sinceVersion`, message: 'is required for processingType changes', code: 'E1000' });
      else if (input.sinceVersion >= input.version) {
        problems.push({ field: `${at}/sinceVersion`, message: 'must be lower than version', invalidValue: input.sinceVersion, code: 'E1000' });
      }
    } else if (input.sinceVersion !== undefined) {
      problems.push({ field: `${at}/sinceVersion`, message: `only applies to processingType changes, not ${input.processingType}`, invalidValue: input.sinceVersion, code: 'E1000' });
    }
  }
  if (problems.length > 0) throw validationError(problems, `Validation failed: ${problems[0].field} ${problems[0].message}`);
}
