import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import fc from 'fast-check';
import type { UserOperation } from '../../src/domain/state-machine.js';
import { assertErrorMessage } from '../helpers/errors.js';
import { exampleJarPath, waitForOperation, waitForVersionState } from '../helpers/lifecycle.js';
import { multipartWith } from '../helpers/jars.js';
import type { Request } from '../helpers/server.js';
import { jobDataDir } from '../helpers/server.js';
import { countsIn } from '../helpers/stream.js';
import { describeOnStores, GROUP } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';
import { expectedOperationOutcome, type Model, type ModelVersion, type VersionKindInModel } from '../helpers/lifecycle-model.js';

/*
 * Random sequences of API calls on several versions in two realms, each response checked
 * against a small model of the lifecycle table (src/domain/state-machine.ts), and the whole
 * state compared at the end. A failure shrinks to a shortest sequence that still fails.
 * SLUICE_TEST_MODEL_RUNS (default 4) and SLUICE_TEST_MODEL_COMMANDS (default 12) make it longer;
 * CI runs the defaults. Jobs are real: a stream counter, a word count that ends at once (run-now),
 * and scheduled versions on the manual clock, whose cron never fires here.
 */
const RUNS = Number(process.env.SLUICE_TEST_MODEL_RUNS ?? 4);
const MAX_COMMANDS = Number(process.env.SLUICE_TEST_MODEL_COMMANDS ?? 12);
const JOB_WAIT_MS = 120_000;
const REALMS = ['a', 'b'] as const;
type RealmKey = typeof REALMS[number];

interface Real {
  /** The realm's own OrgAdmin client. */
  as: Record<RealmKey, Request>;
  templates: Record<RealmKey, { stream: string; batch: string }>;
  work: string;
  pipelineIds: string[];
  versionIds: string[];
  /** The file each version's stream counter appends its counts to (by version index). */
  outputs: string[];
}

const other = (realm: RealmKey): RealmKey => (realm === 'a' ? 'b' : 'a');
const versionPath = (m: Model, r: Real, v: ModelVersion) => `/v2/pipelines/${r.pipelineIds[v.pipeline]}/versions/${r.versionIds[v.index]}`;
const counterOutput = (r: Real, v: ModelVersion) => r.outputs[v.index];

async function createPipeline(m: Model, r: Real, realm: RealmKey) {
  const res = await r.as[realm]('POST', '/v2/pipelines', { body: { name: `model-${m.pipelines.length}`, groupId: GROUP } });
  assert.equal(res.status, 201, res.text);
  r.pipelineIds.push(res.body.id);
  m.pipelines.push({ index: m.pipelines.length, realm, deleted: false });
}

function versionBody(r: Real, realm: RealmKey, kind: VersionKindInModel, output: string) {
  const base = { name: `model-${kind}`, outputCatalogHRN: 'hrn:here:data:::model-out' };
  if (kind === 'stream') {
    return { ...base, pipelineTemplateId: r.templates[realm].stream, inputCatalogs: {}, customRuntimeConfiguration: `counter.output=${output}\ncounter.interval-ms=50\n` };
  }
  const batch = { ...base, pipelineTemplateId: r.templates[realm].batch, inputCatalogs: { text: 'hrn:here:data:::model-in' },
    customRuntimeConfiguration: `wordcount.input=${output}.missing\nwordcount.output=${output}\n` };
  // The manual clock never reaches the next New Year here: a scheduled version that never runs.
  return kind === 'scheduled' ? { ...batch, schedulerConfiguration: { timeTriggerOptions: { cronJobExpression: '0 0 1 1 *', processingType: 'force' } } } : batch;
}

async function createVersion(m: Model, r: Real, pipeline: number, kind: VersionKindInModel) {
  const p = m.pipelines[pipeline];
  const index = m.versions.length;
  const output = path.join(r.work, `${randomUUID()}.txt`);
  const res = await r.as[p.realm]('POST', `/v2/pipelines/${r.pipelineIds[pipeline]}/versions`, { body: versionBody(r, p.realm, kind, output) });
  if (p.deleted) return assertErrorMessage(res, 404);
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.state, 'ready');
  r.versionIds.push(res.body.id);
  r.outputs.push(output);
  m.versions.push({ index, pipeline, realm: p.realm, kind, state: 'ready', deleted: false });
}

/** After a stream job (re)starts: it is running and has counted at least once more, so a pause finds state to save. */
async function streamCounting(m: Model, r: Real, v: ModelVersion, countsBefore: number) {
  await waitFor(async () => (await countsIn(counterOutput(r, v))).length > countsBefore, { timeoutMs: JOB_WAIT_MS, what: `version ${v.index} counting` });
}

async function operate(m: Model, r: Real, vIndex: number, op: UserOperation, realm: RealmKey) {
  const v = m.versions[vIndex];
  const countsBefore = v.kind === 'stream' ? (await countsIn(counterOutput(r, v))).length : 0;
  const res = await r.as[realm]('POST', `${versionPath(m, r, v)}/operations/${op}`, { body: {} });
  const expected = realm === v.realm ? expectedOperationOutcome(m, v, op) : { status: 404 as const };
  if (expected.status !== 202) {
    assertErrorMessage(res, expected.status);
    if (expected.status === 400 && expected.namesState) assert.match(res.body.message, new RegExp(`\\b${v.state}\\b`), 'names the current state');
    return;
  }
  assert.equal(res.status, 202, res.text);
  assert.equal(res.body.requestType, op);
  assert.equal(res.body.pipelineVersionId, r.versionIds[v.index]);
  const done = await waitForOperation(r.as[realm], versionPath(m, r, v), res.body.id, JOB_WAIT_MS);
  assert.equal(done.state, 'succeeded', `${op} on ${v.kind} ${v.state}: ${done.message}`);
  v.state = expected.to;
  if (v.kind === 'run-now' && op === 'activate') {
    // Its one job ends (the input is missing: it fails at once), and the version is ready again.
    await waitForVersionState(r.as[realm], versionPath(m, r, v), 'ready', JOB_WAIT_MS);
    v.state = 'ready';
  }
  if (v.kind === 'stream' && v.state === 'running') await streamCounting(m, r, v, countsBefore);
}

async function checkVersion(m: Model, r: Real, v: ModelVersion, realm: RealmKey) {
  const res = await r.as[realm]('GET', versionPath(m, r, v));
  if (realm !== v.realm || v.deleted || m.pipelines[v.pipeline].deleted) return assertErrorMessage(res, 404);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.state, v.state, `version ${v.index} (${v.kind})`);
}

async function checkPipelineList(m: Model, r: Real, pipeline: number, realm: RealmKey) {
  const p = m.pipelines[pipeline];
  const res = await r.as[realm]('GET', `/v2/pipelines/${r.pipelineIds[pipeline]}/versions`);
  if (realm !== p.realm || p.deleted) return assertErrorMessage(res, 404);
  assert.equal(res.status, 200, res.text);
  const items = (Array.isArray(res.body) ? res.body : res.body.items) as Array<{ id: string; state: string }>;
  const expected = m.versions.filter((v) => v.pipeline === pipeline && !v.deleted).map((v) => `${r.versionIds[v.index]}:${v.state}`).sort();
  assert.deepEqual(items.map((item) => `${item.id}:${item.state}`).sort(), expected);
}

class CreateVersion implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pipeline: number, readonly kind: VersionKindInModel) {}
  check = () => true;
  run = (m: Model, r: Real) => createVersion(m, r, this.pipeline % m.pipelines.length, this.kind);
  toString = () => `createVersion(pipeline ${this.pipeline}, ${this.kind})`;
}

class CreatePipeline implements fc.AsyncCommand<Model, Real> {
  constructor(readonly realm: RealmKey) {}
  check = (m: Readonly<Model>) => m.pipelines.length < 6;
  run = (m: Model, r: Real) => createPipeline(m, r, this.realm);
  toString = () => `createPipeline(${this.realm})`;
}

class Operate implements fc.AsyncCommand<Model, Real> {
  constructor(readonly version: number, readonly op: UserOperation, readonly fromOtherRealm: boolean) {}
  check = (m: Readonly<Model>) => m.versions.length > 0;
  run = (m: Model, r: Real) => {
    const v = m.versions[this.version % m.versions.length];
    return operate(m, r, v.index, this.op, this.fromOtherRealm ? other(v.realm) : v.realm);
  };
  toString = () => `${this.op}(version ${this.version}${this.fromOtherRealm ? ', from the other realm' : ''})`;
}

class DeleteVersion implements fc.AsyncCommand<Model, Real> {
  constructor(readonly version: number) {}
  check = (m: Readonly<Model>) => m.versions.length > 0;
  async run(m: Model, r: Real) {
    const v = m.versions[this.version % m.versions.length];
    const res = await r.as[v.realm]('DELETE', versionPath(m, r, v));
    if (v.deleted || m.pipelines[v.pipeline].deleted) return assertErrorMessage(res, 404);
    if (v.state !== 'ready') return assertErrorMessage(res, 412);
    assert.equal(res.status, 204, res.text);
    v.deleted = true;
  }
  toString = () => `deleteVersion(${this.version})`;
}

class DeletePipeline implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pipeline: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const p = m.pipelines[this.pipeline % m.pipelines.length];
    const res = await r.as[p.realm]('DELETE', `/v2/pipelines/${r.pipelineIds[p.index]}`);
    if (p.deleted) return assertErrorMessage(res, 404);
    if (m.versions.some((v) => v.pipeline === p.index && !v.deleted && v.state !== 'ready')) return assertErrorMessage(res, 412);
    assert.equal(res.status, 204, res.text);
    p.deleted = true;
  }
  toString = () => `deletePipeline(${this.pipeline})`;
}

class Read implements fc.AsyncCommand<Model, Real> {
  constructor(readonly version: number, readonly fromOtherRealm: boolean) {}
  check = (m: Readonly<Model>) => m.versions.length > 0;
  async run(m: Model, r: Real) {
    const v = m.versions[this.version % m.versions.length];
    const realm = this.fromOtherRealm ? other(v.realm) : v.realm;
    await checkVersion(m, r, v, realm);
    await checkPipelineList(m, r, v.pipeline, realm);
  }
  toString = () => `read(version ${this.version}${this.fromOtherRealm ? ', from the other realm' : ''})`;
}

const kinds = fc.constantFrom<VersionKindInModel>('stream', 'scheduled', 'run-now');
const operations = fc.constantFrom<UserOperation>('activate', 'pause', 'resume', 'cancel', 'deactivate');
const commands = [
  fc.constantFrom(...REALMS).map((realm) => new CreatePipeline(realm)),
  fc.tuple(fc.nat({ max: 15 }), kinds).map(([p, k]) => new CreateVersion(p, k)),
  fc.tuple(fc.nat({ max: 15 }), operations, fc.boolean()).map(([v, op, o]) => new Operate(v, op, o)),
  fc.tuple(fc.nat({ max: 15 }), operations).map(([v, op]) => new Operate(v, op, false)),
  fc.nat({ max: 15 }).map((v) => new DeleteVersion(v)),
  fc.nat({ max: 15 }).map((p) => new DeletePipeline(p)),
  fc.tuple(fc.nat({ max: 15 }), fc.boolean()).map(([v, o]) => new Read(v, o)),
];

describeOnStores('model-based: random API sequences against the lifecycle table', (ctx) => {
  let real: Omit<Real, 'pipelineIds' | 'versionIds' | 'outputs'>;

  before(async () => {
    const as = { a: ctx.api, b: ctx.other };
    const templates = {} as Real['templates'];
    for (const realm of REALMS) {
      const created: Record<string, string> = {};
      for (const [key, example, entry, runtime, labels] of [
        ['stream', 'stream-counter', 'com.example.counter.Counter', 'stream-5.0', []],
        ['batch', 'batch-word-count', 'com.example.wordcount.WordCount', 'batch-3.0.0', ['text']],
      ] as const) {
        const pkg = await as[realm]('POST', '/v2/packages', { rawBody: multipartWith('jarPackage', `${example}.jar`, await fs.readFile(exampleJarPath(example))) });
        assert.equal(pkg.status, 201, pkg.text);
        const template = await as[realm]('POST', '/v2/templates', { body: {
          name: `model-${key}`, packageId: pkg.body.id, entryPointClassName: entry, runtimeEnvironment: runtime,
          defaultClusterConfiguration: { workers: 1, workerUnits: 1, supervisorUnits: 1 }, inputCatalogIds: [...labels], groupId: GROUP,
        } });
        assert.equal(template.status, 201, template.text);
        await waitFor(async () => (await as[realm]('GET', `/v2/templates/${template.body.id}`)).body.state === 'created', { what: 'template created' });
        created[key] = template.body.id;
      }
      templates[realm] = created as Real['templates'][RealmKey];
    }
    real = { as, templates, work: await jobDataDir('sluice-model-') };
  });

  it(`matches the model over ${RUNS} random sequences of up to ${MAX_COMMANDS} calls`, { timeout: 30 * 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: MAX_COMMANDS }), async (cmds) => {
        const model: Model = { pipelines: [], versions: [] };
        const r: Real = { ...real, pipelineIds: [], versionIds: [], outputs: [] };
        // Every run starts with a pipeline per realm holding one version of each kind.
        for (const realm of REALMS) {
          await createPipeline(model, r, realm);
          for (const kind of ['stream', 'scheduled', 'run-now'] as const) await createVersion(model, r, model.pipelines.length - 1, kind);
        }
        try {
          await fc.asyncModelRun(() => ({ model, real: r }), cmds);
          for (const v of model.versions) await checkVersion(model, r, v, v.realm);
          for (const p of model.pipelines) await checkPipelineList(model, r, p.index, p.realm);
        } finally {
          // No job outlives its run: cancel whatever is still active (the model says which).
          for (const v of model.versions) {
            if (v.deleted || v.state === 'ready') continue;
            const res = await r.as[v.realm]('POST', `${versionPath(model, r, v)}/operations/cancel`, { body: {} });
            if (res.status === 202) await waitForOperation(r.as[v.realm], versionPath(model, r, v), res.body.id, JOB_WAIT_MS);
          }
        }
      }),
      { numRuns: RUNS, verbose: 1, includeErrorInReport: true },
    );
  });
}, { env: { SLUICE_CLOCK: 'manual', SLUICE_STOP_GRACE_MS: '20000' } });
