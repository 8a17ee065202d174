import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/domain/errors.js';
import { checkOperationRequest, type ActivateRequest, type OperationRequestContext } from '../../src/domain/operation-request.js';
import type { UserOperation, VersionKind, VersionState } from '../../src/domain/state-machine.js';

type VersionOverrides = Partial<OperationRequestContext['version']>;

/** Version v-1 of a pipeline with a second, ready version v-2; a batch version with two inputs. */
function context(
  type: UserOperation,
  options: { version?: VersionOverrides; templateState?: string; others?: OperationRequestContext['pipelineVersions']; pending?: boolean; activate?: ActivateRequest;
    restore?: OperationRequestContext['restore'];
  } = {},
): OperationRequestContext {
  const version = {
    id: 'v-1', state: 'ready' as VersionState, runMode: null as VersionKind | null, hasSchedule: false, runtime: 'batch' as const,
    labels: ['in-a', 'in_b'], ...options.version,
  };
  return {
    type,
    version,
    templateState: options.templateState ?? 'created',
    pipelineVersions: [
      { id: 'v-1', state: version.state, pending: options.pending ?? false },
      ...(options.others ?? [{ id: 'v-2', state: 'ready', pending: false }]),
    ],
    activate: options.activate,
    restore: options.restore,
  };
}

const running = (runMode: VersionKind, state: VersionState = 'running'): VersionOverrides => ({
  state, runMode, runtime: runMode === 'stream' ? 'stream' : 'batch', hasSchedule: runMode === 'scheduled',
});

/** Valid pins for the two inputs of the default version. */
const pins = (): ActivateRequest => ({
  inputCatalogs: {
    'in-a': { processingType: 'changes', sinceVersion: 3, version: 5 },
    in_b: { processingType: 'reprocess', version: 2 },
  },
  outputCatalog: { baseVersion: -1 },
});

type Outcome =
  | { kind: VersionKind }
  | { code: 'E1002'; message: RegExp }
  | { code: 'E1000'; fields: string[]; message?: RegExp };

const SNAPSHOT = '0b7c7f4e-3f0a-4d5e-9a43-6a8f1d2c3b4a';

function check(ctx: OperationRequestContext, outcome: Outcome): void {
  if ('kind' in outcome) {
    assert.equal(checkOperationRequest(ctx), outcome.kind);
    return;
  }
  assert.throws(() => checkOperationRequest(ctx), (error: unknown) => {
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.code, outcome.code);
    if (outcome.code === 'E1002') {
      assert.match(error.message, outcome.message);
      assert.deepEqual(error.errors, []);
    } else {
      assert.equal(error.messageTemplate, '{validation.error}');
      assert.deepEqual(error.errors.map((e) => e.field), outcome.fields);
      for (const e of error.errors) {
        assert.equal(e.code, 'E1000');
        assert.ok(e.message.length > 0);
      }
      if (outcome.message) assert.match(error.errors.map((e) => e.message).join(' | '), outcome.message);
    }
    return true;
  });
}

const cases: { name: string; ctx: OperationRequestContext; outcome: Outcome }[] = [
  // ── one operation in flight per version ──
  {
    name: 'an operation pending on the version refuses the next, naming the state',
    ctx: context('cancel', { version: running('run-now'), pending: true }),
    outcome: { code: 'E1002', message: /still being processed \(state: running\)/ },
  },
  {
    name: 'the pending check comes before the lifecycle check',
    ctx: context('pause', { version: running('run-now'), pending: true }),
    outcome: { code: 'E1002', message: /still being processed/ },
  },
  {
    name: 'an operation pending on another version does not block cancel here',
    ctx: context('cancel', { version: running('scheduled', 'scheduled'), others: [{ id: 'v-2', state: 'ready', pending: true }] }),
    outcome: { kind: 'scheduled' },
  },
  // ── the lifecycle table ──
  { name: 'activate a ready run-now batch version', ctx: context('activate'), outcome: { kind: 'run-now' } },
  { name: 'activate a ready scheduled batch version', ctx: context('activate', { version: { hasSchedule: true } }), outcome: { kind: 'scheduled' } },
  { name: 'activate a ready stream version', ctx: context('activate', { version: { runtime: 'stream', labels: [] } }), outcome: { kind: 'stream' } },
  {
    name: 'activate a running version: refused naming the state',
    ctx: context('activate', { version: running('run-now') }),
    outcome: { code: 'E1002', message: /activate .*state running\b/ },
  },
  {
    name: 'pause a run-now version: refused naming kind and state',
    ctx: context('pause', { version: running('run-now') }),
    outcome: { code: 'E1002', message: /pause is not possible for a run-now batch version \(current state: running\)/ },
  },
  {
    name: 'deactivate a running stream version: refused',
    ctx: context('deactivate', { version: running('stream') }),
    outcome: { code: 'E1002', message: /deactivate .*state running\b/ },
  },
  {
    name: 'cancel a ready version: refused',
    ctx: context('cancel'),
    outcome: { code: 'E1002', message: /cancel .*state ready\b/ },
  },
  { name: 'cancel a running run-now version', ctx: context('cancel', { version: running('run-now') }), outcome: { kind: 'run-now' } },
  {
    name: 'an active version keeps the kind it runs as, not the one its schedule suggests',
    ctx: context('pause', { version: { ...running('run-now'), hasSchedule: true } }),
    outcome: { code: 'E1002', message: /run-now batch version \(current state: running\)/ },
  },
  { name: 'pause a scheduled version', ctx: context('pause', { version: running('scheduled', 'scheduled') }), outcome: { kind: 'scheduled' } },
  { name: 'resume a paused stream version', ctx: context('resume', { version: running('stream', 'paused') }), outcome: { kind: 'stream' } },
  // ── activate: template and the other versions ──
  {
    name: 'activate with the template still creating',
    ctx: context('activate', { templateState: 'creating' }),
    outcome: { code: 'E1002', message: /template is in state creating/ },
  },
  {
    name: 'activate with the template creation failed',
    ctx: context('activate', { templateState: 'creation_failed' }),
    outcome: { code: 'E1002', message: /template is in state creation_failed/ },
  },
  {
    name: 'activate while another version is active',
    ctx: context('activate', { others: [{ id: 'v-2', state: 'paused', pending: false }] }),
    outcome: { code: 'E1002', message: /Version v-2 of this pipeline is paused; only one version may be active/ },
  },
  {
    name: 'activate while another ready version has an operation pending',
    ctx: context('activate', { others: [{ id: 'v-2', state: 'ready', pending: true }] }),
    outcome: { code: 'E1002', message: /Version v-2 of this pipeline is being changed/ },
  },
  {
    name: 'activate with other versions all ready and idle',
    ctx: context('activate', { others: [{ id: 'v-2', state: 'ready', pending: false }, { id: 'v-3', state: 'ready', pending: false }] }),
    outcome: { kind: 'run-now' },
  },
  // ── pinned catalog versions ──
  { name: 'valid pins make a one-time run-now', ctx: context('activate', { activate: pins() }), outcome: { kind: 'run-now' } },
  {
    name: 'pins on a scheduled version make it a run-now',
    ctx: context('activate', { version: { hasSchedule: true }, activate: pins() }),
    outcome: { kind: 'run-now' },
  },
  {
    name: 'pins with no_changes and version 0',
    ctx: context('activate', {
      activate: {
        inputCatalogs: { 'in-a': { processingType: 'no_changes', version: 0 }, in_b: { processingType: 'changes', sinceVersion: 0, version: 1 } },
        outputCatalog: { baseVersion: 7 },
      },
    }),
    outcome: { kind: 'run-now' },
  },
  {
    name: 'pins are checked only after the lifecycle allows the activation',
    ctx: context('activate', { version: running('run-now'), activate: { outputCatalog: { baseVersion: 1 } } }),
    outcome: { code: 'E1002', message: /state running/ },
  },
  {
    name: 'an input label missing',
    ctx: context('activate', { activate: { ...pins(), inputCatalogs: { 'in-a': pins().inputCatalogs!['in-a'] } } }),
    outcome: { code: 'E1000', fields: ['/inputCatalogs'], message: /missing the input catalog "in_b"/ },
  },
  {
    name: 'an input label the version does not have',
    ctx: context('activate', { activate: { ...pins(), inputCatalogs: { ...pins().inputCatalogs, other: { processingType: 'reprocess', version: 1 } } } }),
    outcome: { code: 'E1000', fields: ['/inputCatalogs/other'], message: /"other" is not an input catalog/ },
  },
  {
    name: 'an unknown label is escaped in the JSON pointer (RFC 6901)',
    ctx: context('activate', { activate: { ...pins(), inputCatalogs: { ...pins().inputCatalogs, 'a/b~c': { processingType: 'changes', version: 1 } } } }),
    outcome: { code: 'E1000', fields: ['/inputCatalogs/a~1b~0c', '/inputCatalogs/a~1b~0c/sinceVersion'] },
  },
  {
    name: 'changes without sinceVersion',
    ctx: context('activate', { activate: { ...pins(), inputCatalogs: { ...pins().inputCatalogs, 'in-a': { processingType: 'changes', version: 5 } } } }),
    outcome: { code: 'E1000', fields: ['/inputCatalogs/in-a/sinceVersion'], message: /required for processingType changes/ },
  },
  {
    name: 'changes with sinceVersion equal to version',
    ctx: context('activate', { activate: { ...pins(), inputCatalogs: { ...pins().inputCatalogs, 'in-a': { processingType: 'changes', sinceVersion: 5, version: 5 } } } }),
    outcome: { code: 'E1000', fields: ['/inputCatalogs/in-a/sinceVersion'], message: /lower than version/ },
  },
  {
    name: 'changes with sinceVersion above version',
    ctx: context('activate', { activate: { ...pins(), inputCatalogs: { ...pins().inputCatalogs, 'in-a': { processingType: 'changes', sinceVersion: 6, version: 5 } } } }),
    outcome: { code: 'E1000', fields: ['/inputCatalogs/in-a/sinceVersion'], message: /lower than version/ },
  },
  {
    name: 'sinceVersion with reprocess',
    ctx: context('activate', { activate: { ...pins(), inputCatalogs: { ...pins().inputCatalogs, in_b: { processingType: 'reprocess', sinceVersion: 1, version: 2 } } } }),
    outcome: { code: 'E1000', fields: ['/inputCatalogs/in_b/sinceVersion'], message: /only applies to processingType changes, not reprocess/ },
  },
  {
    name: 'sinceVersion with no_changes',
    ctx: context('activate', { activate: { ...pins(), inputCatalogs: { ...pins().inputCatalogs, in_b: { processingType: 'no_changes', sinceVersion: 1, version: 2 } } } }),
    outcome: { code: 'E1000', fields: ['/inputCatalogs/in_b/sinceVersion'], message: /not no_changes/ },
  },
  {
    name: 'inputCatalogs without outputCatalog',
    ctx: context('activate', { activate: { inputCatalogs: pins().inputCatalogs } }),
    outcome: { code: 'E1000', fields: ['/outputCatalog'], message: /required with inputCatalogs/ },
  },
  {
    name: 'outputCatalog without inputCatalogs',
    ctx: context('activate', { activate: { outputCatalog: { baseVersion: 4 } } }),
    outcome: { code: 'E1000', fields: ['/inputCatalogs'], message: /required with outputCatalog/ },
  },
  {
    name: 'every problem is reported at once',
    ctx: context('activate', {
      activate: { inputCatalogs: { 'in-a': { processingType: 'changes', version: 5 }, x: { processingType: 'reprocess', sinceVersion: 1, version: 2 } } },
    }),
    outcome: {
      code: 'E1000',
      fields: ['/outputCatalog', '/inputCatalogs', '/inputCatalogs/in-a/sinceVersion', '/inputCatalogs/x', '/inputCatalogs/x/sinceVersion'],
    },
  },
  {
    name: 'a stream version refuses input catalog versions',
    ctx: context('activate', { version: { runtime: 'stream', labels: ['in-a', 'in_b'] }, activate: pins() }),
    outcome: { code: 'E1000', fields: ['/inputCatalogs'], message: /stream version takes no catalog versions/ },
  },
  {
    name: 'a stream version refuses an output catalog version',
    ctx: context('activate', { version: { runtime: 'stream' }, activate: { outputCatalog: { baseVersion: 1 } } }),
    outcome: { code: 'E1000', fields: ['/outputCatalog'] },
  },
  {
    name: 'a stream version may start from a snapshot of its pipeline',
    ctx: context('activate', {
      version: { runtime: 'stream' }, activate: { snapshotId: SNAPSHOT }, restore: { snapshotOfPipeline: true, checkpointExists: false },
    }),
    outcome: { kind: 'stream' },
  },
  {
    name: 'a snapshot of another pipeline (or one that does not exist) is refused',
    ctx: context('activate', {
      version: { runtime: 'stream' }, activate: { snapshotId: SNAPSHOT }, restore: { snapshotOfPipeline: false, checkpointExists: true },
    }),
    outcome: { code: 'E1000', fields: ['/snapshotId'], message: /not a snapshot of this pipeline/ },
  },
  {
    name: 'a stream version may start from its latest checkpoint',
    ctx: context('activate', {
      version: { runtime: 'stream' }, activate: { useLatestCheckpoint: true }, restore: { snapshotOfPipeline: false, checkpointExists: true },
    }),
    outcome: { kind: 'stream' },
  },
  {
    name: 'useLatestCheckpoint without a checkpoint is refused',
    ctx: context('activate', {
      version: { runtime: 'stream' }, activate: { useLatestCheckpoint: true }, restore: { snapshotOfPipeline: false, checkpointExists: false },
    }),
    outcome: { code: 'E1000', fields: ['/useLatestCheckpoint'], message: /no checkpoint/ },
  },
  {
    name: 'a snapshot and the latest checkpoint together are refused',
    ctx: context('activate', {
      version: { runtime: 'stream' }, activate: { snapshotId: SNAPSHOT, useLatestCheckpoint: true }, restore: { snapshotOfPipeline: true, checkpointExists: true },
    }),
    outcome: { code: 'E1000', fields: ['/useLatestCheckpoint'], message: /together with snapshotId/ },
  },
  {
    name: 'a batch version refuses a snapshotId',
    ctx: context('activate', { activate: { snapshotId: '0b7c7f4e-3f0a-4d5e-9a43-6a8f1d2c3b4a' } }),
    outcome: { code: 'E1000', fields: ['/snapshotId'], message: /only a stream version/ },
  },
  {
    name: 'a batch version refuses useLatestCheckpoint',
    ctx: context('activate', { activate: { useLatestCheckpoint: true } }),
    outcome: { code: 'E1000', fields: ['/useLatestCheckpoint'] },
  },
  { name: 'a batch version accepts useLatestCheckpoint: false', ctx: context('activate', { activate: { useLatestCheckpoint: false } }), outcome: { kind: 'run-now' } },
  { name: 'an empty activate body is no pin', ctx: context('activate', { version: { hasSchedule: true }, activate: {} }), outcome: { kind: 'scheduled' } },
];

describe('checkOperationRequest', () => {
  for (const c of cases) {
    it(c.name, () => check(c.ctx, c.outcome));
  }
});
