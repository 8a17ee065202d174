import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCluster } from '../../src/cli/arguments.js';
import { sameJson } from '../../src/cli/apply.js';
import { readApplySpec } from '../../src/cli/apply-spec.js';
import { readPipelineConfig, readPipelineJobConfig } from '../../src/cli/hocon.js';
import { activationBody } from '../../src/cli/nouns/version-operations.js';
import { schedulerBody } from '../../src/cli/nouns/scheduler.js';
import { formatCredentials, parseCredentials } from '../../src/domain/credentials-file.js';

describe('sluice command inputs', () => {
  it('reads pipeline-config.conf as the OLP CLI writes it (HOCON, substitutions, comments)', async () => {
    const text = `# the catalogs
      out = "hrn:here:data:::word-counts"
      pipeline.config {
        output-catalog { hrn = \${out} }
        input-catalogs {
          text { hrn = "hrn:here:data:::texts" }   // a comment
          other-input.hrn: "hrn:here:data:::other"
        }
      }`;
    assert.deepEqual(await readPipelineConfig(text, 'p.conf'), {
      outputCatalogHRN: 'hrn:here:data:::word-counts',
      inputCatalogs: { text: 'hrn:here:data:::texts', 'other-input': 'hrn:here:data:::other' },
    });
    await assert.rejects(readPipelineConfig('pipeline.config { input-catalogs {} }', 'p.conf'), /output-catalog.hrn/);
    await assert.rejects(readPipelineConfig('pipeline.config { output-catalog { hrn = ', 'p.conf'), /not valid HOCON/);
  });

  it('runs no code from a configuration file (the parser\'s eval transform is refused)', async () => {
    const text = 'pipeline.config.output-catalog.hrn: "x" | eval { expr = "globalThis.ranFromHocon = true" }';
    await assert.rejects(readPipelineConfig(text, 'p.conf'), /transforms/);
    assert.equal((globalThis as Record<string, unknown>).ranFromHocon, undefined);
  });

  it('reads pipeline-job.conf catalog versions', async () => {
    const text = `pipeline.job.catalog-versions {
      output-catalog { base-version = 42 }
      input-catalogs { a { processing-type = "changes", since-version = 70, version = 75 }, b { processing-type = "reprocess", version = 3 } }
    }`;
    assert.deepEqual(await readPipelineJobConfig(text, 'j.conf'), {
      outputCatalog: { baseVersion: 42 },
      inputCatalogs: { a: { processingType: 'changes', sinceVersion: 70, version: 75 }, b: { processingType: 'reprocess', version: 3 } },
    });
  });

  it('turns activation flags into the API\'s JobCatalogVersions', async () => {
    assert.equal(await activationBody({}), undefined);
    assert.deepEqual(await activationBody({ inputCatalog: ['text=7'], sinceVersion: '3', outputBaseVersion: '12', highAvailability: true }), {
      inputCatalogs: { text: { processingType: 'changes', version: 7, sinceVersion: 3 } },
      outputCatalog: { baseVersion: 12 },
      highAvailability: true,
    });
    assert.deepEqual(await activationBody({ inputCatalog: ['text=7'] }), { inputCatalogs: { text: { processingType: 'reprocess', version: 7 } } });
    await assert.rejects(activationBody({ processingType: 'changes' }), /apply to --input-catalog/);
    await assert.rejects(activationBody({ inputCatalog: ['text=x'] }), /whole number/);
    await assert.rejects(activationBody({ inputCatalog: ['text=1'], processingType: 'all' }), /processing-type/);
  });

  it('turns scheduler flags into exactly one SchedulerConfiguration', () => {
    assert.deepEqual(schedulerBody({ cron: '@daily' }), { timeTriggerOptions: { cronJobExpression: '@daily', processingType: 'changes' } });
    assert.deepEqual(schedulerBody({ catalogTrigger: true }), { catalogTriggerOptions: 'version_resolver' });
    assert.deepEqual(schedulerBody({ none: true }), {});
    assert.throws(() => schedulerBody({}), /exactly one/);
    assert.throws(() => schedulerBody({ none: true, catalogTrigger: true }), /exactly one/);
  });

  it('reads --cluster settings', () => {
    assert.deepEqual(parseCluster('workers=2, workerUnits=1,supervisorUnits=1,gcProfile=g1gc'), { workers: 2, workerUnits: 1, supervisorUnits: 1, gcProfile: 'g1gc' });
    assert.throws(() => parseCluster('workers'), /key=value/);
    assert.throws(() => parseCluster('workers=many'), /number/);
  });

  it('round-trips credentials.properties and names a missing key', () => {
    const credentials = { userId: 'HERE-1', clientId: 'c', accessKeyId: 'k', accessKeySecret: 's=x', tokenEndpointUrl: 'http://h/oauth2/token' };
    assert.deepEqual(parseCredentials(formatCredentials(credentials)), { ok: true, credentials });
    assert.deepEqual(parseCredentials('here.access.key.id = k\n'), { ok: false, missing: 'here.access.key.secret' });
  });

  it('checks pipeline.yaml and points at the wrong field', () => {
    const good = 'package: {jar: a.jar}\ntemplate: {name: t, runtimeEnvironment: stream-5.0, entryPointClassName: a.B}\npipeline: {name: p}\nversion: {name: v, outputCatalogHRN: "hrn:here:data:::o"}\n';
    const { spec, jar } = readApplySpec(good, '/x/pipeline.yaml');
    assert.equal(jar, '/x/a.jar');
    assert.equal(spec.version.name, 'v');
    assert.throws(() => readApplySpec(good.replace('name: v,', 'name: v, state: paused,'), 'p.yaml'), /\/version\/state/);
    assert.throws(() => readApplySpec('template: [', 'p.yaml'), /not valid YAML/);
  });

  it('compares JSON without regard to key order', () => {
    assert.equal(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }), true);
    assert.equal(sameJson({ a: 1 }, { a: 1, b: undefined }), false);
    assert.equal(sameJson([1, 2], [2, 1]), false);
  });
});
