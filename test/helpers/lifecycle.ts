import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { multipartWith } from './jars.js';
import type { Request } from './server.js';
import { GROUP } from './suite.js';
import { waitFor } from './wait.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The example pipelines, built by `npm run build` into examples/<name>/build/<name>.jar. */
export const exampleJarPath = (name: string) => path.resolve(here, '../../../examples', name, 'build', `${name}.jar`);

export interface Deployed {
  pipelineId: string;
  templateId: string;
  versionId: string;
  base: string;
}

export interface DeployOptions {
  example: 'batch-word-count' | 'stream-counter' | 'isolation-probe';
  runtimeEnvironment?: string;
  inputCatalogIds?: string[];
  inputCatalogs?: Record<string, string>;
  customRuntimeConfiguration?: string;
  schedulerConfiguration?: Record<string, unknown>;
  name?: string;
}

const ENTRY_POINTS = {
  'batch-word-count': 'com.example.wordcount.WordCount',
  'stream-counter': 'com.example.counter.Counter',
  'isolation-probe': 'com.example.probe.Probe',
};

/** Upload → template (waits for `created`) → pipeline → version, all over HTTP. */
export async function deploy(api: Request, options: DeployOptions): Promise<Deployed> {
  const jar = await fs.readFile(exampleJarPath(options.example));
  const pkg = await api('POST', '/v2/packages', { rawBody: multipartWith('jarPackage', `${options.example}.jar`, jar) });
  if (pkg.status !== 201) throw new Error(`upload: ${pkg.text}`);
  const stream = options.example === 'stream-counter';
  const labels = options.inputCatalogIds ?? (stream ? [] : ['text']);
  const template = await api('POST', '/v2/templates', {
    body: {
      name: `${options.example}-template`,
      packageId: pkg.body.id,
      entryPointClassName: ENTRY_POINTS[options.example],
      runtimeEnvironment: options.runtimeEnvironment ?? (stream ? 'stream-5.0' : 'batch-3.0.0'),
      defaultClusterConfiguration: { workers: 1, workerUnits: 1, supervisorUnits: 1 },
      inputCatalogIds: labels,
      groupId: GROUP,
    },
  });
  if (template.status !== 201) throw new Error(`template: ${template.text}`);
  await waitFor(async () => (await api('GET', `/v2/templates/${template.body.id}`)).body.state === 'created', { what: 'template created' });
  const pipeline = await api('POST', '/v2/pipelines', { body: { name: options.name ?? `${options.example}-pipeline`, groupId: GROUP } });
  const inputCatalogs = options.inputCatalogs ?? Object.fromEntries(labels.map((l) => [l, `hrn:here:data:::${l}-catalog`]));
  const version = await api('POST', `/v2/pipelines/${pipeline.body.id}/versions`, {
    body: {
      name: 'version-one',
      pipelineTemplateId: template.body.id,
      inputCatalogs,
      outputCatalogHRN: 'hrn:here:data:::output-catalog',
      customRuntimeConfiguration: options.customRuntimeConfiguration,
      schedulerConfiguration: options.schedulerConfiguration,
    },
  });
  if (version.status !== 201) throw new Error(`version: ${version.text}`);
  return {
    pipelineId: pipeline.body.id,
    templateId: template.body.id,
    versionId: version.body.id,
    base: `/v2/pipelines/${pipeline.body.id}/versions/${version.body.id}`,
  };
}

/** Another version of the same pipeline and template. */
export async function addVersion(api: Request, d: Deployed, body: Record<string, unknown> = {}): Promise<string> {
  const current = (await api('GET', d.base)).body;
  const res = await api('POST', `/v2/pipelines/${d.pipelineId}/versions`, {
    body: { name: 'another', pipelineTemplateId: d.templateId, inputCatalogs: current.inputCatalogs, outputCatalogHRN: current.outputCatalogHRN, ...body },
  });
  if (res.status !== 201) throw new Error(`version: ${res.text}`);
  return res.body.id;
}

export async function waitForOperation(api: Request, base: string, operationId: string, timeoutMs = 30_000) {
  return waitFor(async () => {
    const op = (await api('GET', `${base}/operations/${operationId}`)).body;
    return op.state === 'succeeded' || op.state === 'failed' ? op : undefined;
  }, { timeoutMs, what: `operation ${operationId} to finish` });
}

/** POST …/operations/<type> (202, or the assertion fails) and the operation once it has finished, either way. */
export async function runOperation(api: Request, base: string, type: string, body?: unknown, timeoutMs = 30_000) {
  const res = await api('POST', `${base}/operations/${type}`, body === undefined ? {} : { body });
  assert.equal(res.status, 202, `${type}: ${res.text}`);
  return waitForOperation(api, base, res.body.id, timeoutMs);
}

export async function waitForJob(api: Request, base: string, states: string[], timeoutMs = 30_000) {
  return waitFor(async () => {
    const jobs = (await api('GET', `${base}/jobs`)).body;
    return jobs[0] && states.includes(jobs[0].state) ? jobs[0] : undefined;
  }, { timeoutMs, what: `job to be ${states.join('/')}` });
}

export async function waitForVersionState(api: Request, base: string, state: string, timeoutMs = 30_000) {
  return waitFor(async () => {
    const v = (await api('GET', base)).body;
    return v.state === state ? v : undefined;
  }, { timeoutMs, what: `version to be ${state}` });
}
