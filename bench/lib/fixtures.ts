import fs from 'node:fs/promises';
import path from 'node:path';
import { buildJar, multipartWith } from '../../test/helpers/jars.js';
import { client, tokenFor, type Request } from '../../test/helpers/server.js';

export const REALM = 'bench-realm';
export const GROUP = 'GROUP-00000000-0000-4000-8000-00000000be4c';

/** A caller of one server: the token to send and a small JSON client for set-up requests. */
export interface BenchCaller {
  api: Request;
  /** Headers for the load generator: the same OrgAdmin token the set-up used. */
  headers: Record<string, string>;
}

export async function adminOf(url: string): Promise<BenchCaller> {
  const token = await tokenFor({ realm: REALM, roles: ['OrgAdmin'], subject: 'bench-user', expiresIn: '2h' });
  return { api: client(url, token), headers: { authorization: `Bearer ${token}` } };
}

let jar: Promise<Buffer> | undefined;
/** One real JAR (javac + jar) per bench process, with entry point com.example.Main. */
function exampleJar(): Promise<Buffer> {
  jar ??= buildJar({ classes: ['com.example.Main'], mainClass: 'com.example.Main', entryPoints: ['com.example.Main'] })
    .then(async (file) => {
      const content = await fs.readFile(file);
      await fs.rm(path.dirname(file), { recursive: true, force: true });
      return content;
    });
  return jar;
}

export async function expectStatus(api: Request, status: number, method: string, urlPath: string, body?: unknown) {
  const res = await api(method, urlPath, body === undefined ? {} : { body });
  if (res.status !== status) throw new Error(`${method} ${urlPath}: expected ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
  return res.body;
}

/** A JAR to deploy: its bytes, its file name on upload and the class the template runs. */
export interface TemplateJar {
  fileName: string;
  content: Buffer;
  entryPoint: string;
  /** defaultClusterConfiguration.workers: with 1 unit each and a 1-unit supervisor, the local heap is (1 + workers) × 256 MB. */
  workers: number;
  /** Default batch-3.0.0 with one input catalog `in`; a stream template has no inputs. */
  runtimeEnvironment?: string;
}

const builtExample = async (): Promise<TemplateJar> =>
  ({ fileName: 'example.jar', content: await exampleJar(), entryPoint: 'com.example.Main', workers: 2 });

/** Uploads the package and creates a template, waiting until its check has finished. */
export async function createTemplate(api: Request, jar?: TemplateJar): Promise<string> {
  const { fileName, content, entryPoint, workers, runtimeEnvironment = 'batch-3.0.0' } = jar ?? await builtExample();
  const stream = runtimeEnvironment.startsWith('stream-');
  const upload = await api('POST', '/v2/packages', { rawBody: multipartWith('jarPackage', fileName, content) });
  if (upload.status !== 201) throw new Error(`package upload: ${upload.status}: ${upload.text.slice(0, 500)}`);
  const template = await expectStatus(api, 201, 'POST', '/v2/templates', {
    name: 'bench-template',
    packageId: upload.body.id,
    entryPointClassName: entryPoint,
    runtimeEnvironment,
    defaultClusterConfiguration: { workers, workerUnits: 1, supervisorUnits: 1 },
    inputCatalogIds: stream ? [] : ['in'],
    groupId: GROUP,
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const current = await expectStatus(api, 200, 'GET', `/v2/templates/${template.id}`);
    if (current.state === 'created') return template.id;
    if (current.state !== 'creating') throw new Error(`template check ended in ${current.state}: ${current.stateMessage}`);
    if (Date.now() > deadline) throw new Error('template stayed in creating for 10 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A pipeline with one run-now batch version of `jar` (no schedule: activate starts one job at
 * once, and the version is `ready` again when it ends). Returns the version's path.
 */
export async function runNowVersion(api: Request, jar: TemplateJar): Promise<string> {
  const templateId = await createTemplate(api, jar);
  const pipeline = await expectStatus(api, 201, 'POST', '/v2/pipelines', { name: 'bench-run-now', groupId: GROUP });
  const version = await expectStatus(api, 201, 'POST', `/v2/pipelines/${pipeline.id}/versions`, {
    name: 'bench-run-now-version',
    pipelineTemplateId: templateId,
    inputCatalogs: { in: 'hrn:here:data:::bench-input' },
    outputCatalogHRN: 'hrn:here:data:::bench-output',
  });
  return `/v2/pipelines/${pipeline.id}/versions/${version.id}`;
}

/** A pipeline with one stream version of `jar` (runtime stream-5.0) and these application properties. Returns the version's path. */
export async function streamVersion(api: Request, jar: TemplateJar, customRuntimeConfiguration: string): Promise<string> {
  const templateId = await createTemplate(api, { ...jar, runtimeEnvironment: 'stream-5.0' });
  const pipeline = await expectStatus(api, 201, 'POST', '/v2/pipelines', { name: 'bench-stream', groupId: GROUP });
  const version = await expectStatus(api, 201, 'POST', `/v2/pipelines/${pipeline.id}/versions`, {
    name: 'bench-stream-version',
    pipelineTemplateId: templateId,
    inputCatalogs: {},
    outputCatalogHRN: 'hrn:here:data:::bench-output',
    customRuntimeConfiguration,
  });
  return `/v2/pipelines/${pipeline.id}/versions/${version.id}`;
}

export interface PipelineFixture {
  pipelineId: string;
  versionIds: string[];
}

/**
 * One pipeline with `count` versions, created over HTTP like a user would. Versions carry a
 * runtime configuration and a schedule so that each one is of a realistic size on the wire.
 */
export async function pipelineWithVersions(api: Request, count: number): Promise<PipelineFixture> {
  const templateId = await createTemplate(api);
  const pipeline = await expectStatus(api, 201, 'POST', '/v2/pipelines', { name: 'bench-pipeline', groupId: GROUP });
  const versionIds: string[] = [];
  for (let i = 1; i <= count; i++) {
    const version = await expectStatus(api, 201, 'POST', `/v2/pipelines/${pipeline.id}/versions`, {
      name: `bench-version-${i}`,
      pipelineTemplateId: templateId,
      inputCatalogs: { in: 'hrn:here:data:::bench-input' },
      outputCatalogHRN: 'hrn:here:data:::bench-output',
      customRuntimeConfiguration: `bench.run=${i}\nbench.mode=throughput`,
      schedulerConfiguration: { timeTriggerOptions: { cronJobExpression: '0 3 * * *', processingType: 'changes' } },
    });
    versionIds.push(version.id);
  }
  const listed = await expectStatus(api, 200, 'GET', `/v2/pipelines/${pipeline.id}/versions`);
  if (!Array.isArray(listed) || listed.length !== count) {
    throw new Error(`expected ${count} versions in the list, got ${Array.isArray(listed) ? listed.length : typeof listed}`);
  }
  return { pipelineId: pipeline.id, versionIds };
}
