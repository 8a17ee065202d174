import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { promisify } from 'node:util';
import { builtInCatalog } from '../../src/domain/runtime-catalog.js';
import { multipartWith } from '../helpers/jars.js';
import { waitForJob } from '../helpers/lifecycle.js';
import { jobLog } from '../helpers/stream.js';
import { describeOnStores, GROUP } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);

/**
 * A local-jvm binding's `classpath` folder (README: "Runtime catalog"): a job JAR built against
 * a library it does not carry (as a Flink job JAR leaves out Flink) runs in the environment
 * whose binding supplies the library, and fails with NoClassDefFoundError in one without.
 * The folder is filled after the service started: the JVM reads it at each job's start.
 */
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-classpath-'));
// Readable by the job user, as a real one (a Flink distribution's lib/) is: an isolated job sees it read-only.
fs.chmodSync(work, 0o755);
const libFolder = path.join(work, 'lib');
fs.mkdirSync(libFolder);
const catalogFile = path.join(work, 'catalog.json');
fs.writeFileSync(catalogFile, JSON.stringify({ ...builtInCatalog, runtimeBindings: { 'batch-3.0.0': { kind: 'local-jvm', classpath: libFolder } } }));

/** Compiles `sources` (class name → Java source) against `classpath` into a JAR. */
async function jarOf(name: string, sources: Record<string, string>, classpath?: string): Promise<string> {
  const dir = path.join(work, name);
  const files = Object.entries(sources).map(([className, text]) => {
    const file = path.join(dir, 'src', `${className.replaceAll('.', '/')}.java`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  });
  await run('javac', ['-d', path.join(dir, 'classes'), ...(classpath ? ['-cp', classpath] : []), ...files]);
  const jar = path.join(dir, `${name}.jar`);
  await run('jar', ['--create', '--file', jar, '-C', path.join(dir, 'classes'), '.']);
  return jar;
}

describeOnStores('local JVM: a runtime environment\'s extra classpath folder', (ctx) => {
  let jobJar: Buffer;
  before(async () => {
    const library = await jarOf('greeting', { 'org.lib.Greeting': 'package org.lib;\npublic class Greeting { public static String text() { return "hello from the classpath folder"; } }\n' });
    jobJar = fs.readFileSync(await jarOf('job', {
      'com.example.UsesLibrary': 'package com.example;\npublic class UsesLibrary { public static void main(String[] a) { System.out.println(org.lib.Greeting.text()); } }\n',
    }, library));
    fs.copyFileSync(library, path.join(libFolder, 'greeting.jar'));
  });

  /** The job JAR as a template of `environment`, a pipeline and a version, activated; the job as it ended. */
  async function runIn(environment: string) {
    const pkg = await ctx.api('POST', '/v2/packages', { rawBody: multipartWith('jarPackage', 'job.jar', jobJar) });
    assert.equal(pkg.status, 201, pkg.text);
    const template = await ctx.api('POST', '/v2/templates', {
      body: {
        name: `uses-library-${environment}`, packageId: pkg.body.id, entryPointClassName: 'com.example.UsesLibrary', runtimeEnvironment: environment,
        defaultClusterConfiguration: { workers: 1, workerUnits: 1, supervisorUnits: 1 }, inputCatalogIds: [], groupId: GROUP,
      },
    });
    assert.equal(template.status, 201, template.text);
    await waitFor(async () => (await ctx.api('GET', `/v2/templates/${template.body.id}`)).body.state === 'created', { what: 'template created' });
    const pipeline = await ctx.api('POST', '/v2/pipelines', { body: { name: `classpath-${environment}`, groupId: GROUP } });
    const version = await ctx.api('POST', `/v2/pipelines/${pipeline.body.id}/versions`, {
      body: { name: 'version-one', pipelineTemplateId: template.body.id, inputCatalogs: {}, outputCatalogHRN: 'hrn:here:data:::classpath-out' },
    });
    assert.equal(version.status, 201, version.text);
    const base = `/v2/pipelines/${pipeline.body.id}/versions/${version.body.id}`;
    assert.equal((await ctx.api('POST', `${base}/operations/activate`)).status, 202);
    return { job: await waitForJob(ctx.api, base, ['completed', 'failed']), base };
  }

  it('runs with the bound environment\'s library, and without it elsewhere', async () => {
    const bound = await runIn('batch-3.0.0');
    assert.equal(bound.job.state, 'completed');
    assert.match(await jobLog(ctx.api, bound.job.id), /hello from the classpath folder/);

    const unbound = await runIn('batch-2.1.0');
    assert.equal(unbound.job.state, 'failed');
    // The job's end, with its log's last lines, is the service's operation on the version.
    const [ended] = (await ctx.api('GET', `${unbound.base}/operations`)).body;
    assert.match(ended.message, /exited with code 1[\s\S]*NoClassDefFoundError: org\/lib\/Greeting/);
  });
}, { env: { SLUICE_RUNTIME_CATALOG: catalogFile } });
