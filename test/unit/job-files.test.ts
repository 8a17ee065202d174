import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClusterConfiguration } from '../../src/domain/cluster-configuration.js';
import { parseProperties, type Property } from '../../src/domain/java-properties.js';
import { DEFAULT_LOGGING, type LoggingConfiguration, type LogLevel } from '../../src/domain/logging-configuration.js';
import { heapMb, javaArguments, jobMarker, type LocalJvmSettings } from '../../src/runtimes/local-jvm/command.js';
import { applicationProperties, log4j2Config, pipelineConfig, pipelineJob } from '../../src/runtimes/local-jvm/files.js';
import type { JobSpec, PinnedCatalogVersions } from '../../src/runtimes/runtime.js';
import { compileJavaProbe, type JavaProbe } from '../helpers/java-probe.js';

const hocon = createRequire(import.meta.url)('@pushcorn/hocon-parser') as { parse(options: { text: string }): Promise<unknown> };
const parseHocon = (text: string) => hocon.parse({ text });

const OUT = 'hrn:here:data:::out-catalog';
const cluster: ClusterConfiguration = { workers: 1, workerUnits: 1, supervisorUnits: 1 };

function spec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    jobId: '7d0c5f3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
    realm: 'realm-a',
    pipelineId: 'p-1',
    versionId: 'v-1',
    runtimeEnvironment: 'batch-3.0.0',
    packageId: 'pk-1',
    kind: 'batch',
    jarPath: '/data/packages/app.jar',
    entryPointClassName: 'com.example.Main',
    inputCatalogs: { 'in-a': 'hrn:here:data:::in-a', in_b: 'hrn:here-dev:data:::in-b', '42': 'hrn:here:data:::numeric' },
    outputCatalogHrn: OUT,
    applicationProperties: [],
    logging: DEFAULT_LOGGING,
    cluster,
    attempt: 0,
    ...overrides,
  };
}

describe('pipeline-config.conf (behaviour notes §4)', () => {
  const cases: { name: string; spec: JobSpec; config: Record<string, unknown> }[] = [
    {
      name: 'output, inputs by label (with - and _), billing tag',
      spec: spec({ billingTag: 'team_a-1' }),
      config: {
        'output-catalog': { hrn: OUT },
        'input-catalogs': {
          'in-a': { hrn: 'hrn:here:data:::in-a' },
          in_b: { hrn: 'hrn:here-dev:data:::in-b' },
          '42': { hrn: 'hrn:here:data:::numeric' },
        },
        'billing-tag': 'team_a-1',
      },
    },
    {
      name: 'no billing tag: no billing-tag key',
      spec: spec({ inputCatalogs: { a: 'hrn:here:data:::a' } }),
      config: { 'output-catalog': { hrn: OUT }, 'input-catalogs': { a: { hrn: 'hrn:here:data:::a' } } },
    },
    {
      name: 'no input catalogs: an empty input-catalogs object',
      spec: spec({ inputCatalogs: {}, billingTag: undefined }),
      config: { 'output-catalog': { hrn: OUT }, 'input-catalogs': {} },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      assert.deepEqual(await parseHocon(pipelineConfig(c.spec)), { pipeline: { config: c.config } });
    });
  }
});

describe('pipeline-job.conf (behaviour notes §4)', () => {
  const cases: { name: string; versions: PinnedCatalogVersions; expected: Record<string, unknown> }[] = [
    {
      name: 'every processing type; since-version only for changes',
      versions: {
        inputCatalogs: {
          'in-a': { processingType: 'changes', sinceVersion: 3, version: 7 },
          in_b: { processingType: 'reprocess', version: 12 },
          c: { processingType: 'no_changes', version: 0 },
        },
        outputCatalog: { baseVersion: 41 },
      },
      expected: {
        'output-catalog': { 'base-version': 41 },
        'input-catalogs': {
          'in-a': { 'processing-type': 'changes', 'since-version': 3, version: 7 },
          in_b: { 'processing-type': 'reprocess', version: 12 },
          c: { 'processing-type': 'no_changes', version: 0 },
        },
      },
    },
    {
      name: 'a sinceVersion given with another type is not written',
      versions: { inputCatalogs: { a: { processingType: 'reprocess', sinceVersion: 2, version: 5 } }, outputCatalog: { baseVersion: 0 } },
      expected: { 'output-catalog': { 'base-version': 0 }, 'input-catalogs': { a: { 'processing-type': 'reprocess', version: 5 } } },
    },
    {
      name: 'an empty output catalog (-1) and large versions',
      versions: { inputCatalogs: { a: { processingType: 'changes', sinceVersion: -1, version: 9007199254740991 } }, outputCatalog: { baseVersion: -1 } },
      expected: {
        'output-catalog': { 'base-version': -1 },
        'input-catalogs': { a: { 'processing-type': 'changes', 'since-version': -1, version: 9007199254740991 } },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      assert.deepEqual(await parseHocon(pipelineJob(c.versions)), { pipeline: { job: { 'catalog-versions': c.expected } } });
    });
  }
});

/** Keys and values a properties writer can get wrong; each is also checked against the JDK. */
const propertyCases: { name: string; properties: Property[] }[] = [
  { name: 'plain', properties: [{ key: 'spark.executor.cores', value: '2' }] },
  { name: '= in key and value', properties: [{ key: 'a=b', value: 'x=y==' }] },
  { name: ': in key and value', properties: [{ key: 'a:b', value: 'http://h:80/' }] },
  { name: 'spaces in key and value', properties: [{ key: 'a key with spaces', value: 'a value with spaces' }] },
  { name: 'leading spaces in key and value', properties: [{ key: '  lead', value: '   lead' }] },
  { name: 'trailing spaces in key and value', properties: [{ key: 'trail  ', value: 'trail  ' }] },
  { name: '# and ! starting key and value', properties: [{ key: '#hash', value: '#not a comment' }, { key: '!bang', value: '!no' }] },
  { name: 'value starting with a separator', properties: [{ key: 'eq', value: '=x' }, { key: 'colon', value: ':x' }, { key: 'sp', value: ' = x' }] },
  { name: 'backslashes, a trailing one too', properties: [{ key: 'C:\\dir', value: 'C:\\path\\to\\' }] },
  { name: 'a literal \\u in a value', properties: [{ key: 'u', value: '\\u0041 is not A' }] },
  { name: 'newlines and carriage returns', properties: [{ key: 'multi\nline', value: 'line 1\nline 2\r\n' }] },
  { name: 'tabs and form feeds', properties: [{ key: 'tab\tkey', value: '\tindented' }, { key: 'ff\f', value: '\f' }] },
  { name: 'non-ASCII', properties: [{ key: 'café.日本', value: 'é 日本 😀' }] },
  { name: 'control characters and DEL', properties: [{ key: 'ctrl\u0001', value: '\u0000\u001b\u007f' }] },
  { name: 'no-break space and U+2028', properties: [{ key: 'nb\u00a0sp', value: '\u00a0x\u2028y' }] },
  { name: 'empty value', properties: [{ key: 'empty', value: '' }] },
  { name: 'empty key', properties: [{ key: '', value: 'v' }] },
  { name: 'a key that is only blanks', properties: [{ key: ' \t ', value: ' ' }] },
];
const allProperties: Property[] = propertyCases.flatMap((c) => c.properties);
const sortedEntries = (properties: Property[]): [string, string][] =>
  [...new Map(properties.map((p) => [p.key, p.value]))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const allCases = [...propertyCases, { name: 'all of the above in one file', properties: allProperties }];

describe('application.properties round-trips through parseProperties', () => {
  for (const c of allCases) {
    it(c.name, () => {
      const text = applicationProperties(c.properties);
      assert.match(text, /^[\x20-\x7e\n]*$/, 'plain ASCII: any stream reads it alike');
      assert.deepEqual(parseProperties(text), c.properties);
    });
  }
});

/** The generated files read by the real JDK, through a Java class compiled once for these tests. */
describe('job files read by the JDK', () => {
  let probe: JavaProbe & { dir: string };
  before(async () => {
    probe = await compileJavaProbe();
  });
  after(async () => {
    if (probe) await fs.rm(probe.dir, { recursive: true, force: true });
  });

  describe('application.properties through java.util.Properties', () => {
    let read: Awaited<ReturnType<JavaProbe['properties']>>;
    before(async () => {
      const files = await Promise.all(allCases.map(async (c, i) => {
        const file = path.join(probe.dir, `case-${i}.properties`);
        await fs.writeFile(file, applicationProperties(c.properties));
        return file;
      }));
      read = await probe.properties(files);
    });
    allCases.forEach((c, i) => {
      it(c.name, () => {
        assert.deepEqual(read[i].stream, sortedEntries(c.properties), 'Properties.load(InputStream)');
        assert.deepEqual(read[i].reader, sortedEntries(c.properties), 'Properties.load(Reader)');
      });
    });
  });

  describe('log4j2.xml through the JDK XML parser', () => {
    const logging = (root: LogLevel, logger: { name: string; level: LogLevel }[]): LoggingConfiguration =>
      ({ configuration: { loggers: { root: { level: root }, logger } } });
    const cases: { name: string; logging: LoggingConfiguration; monitor?: number; loggers: [string, string, string][]; interval: string }[] = [
      { name: 'the default: root at warn, no named loggers', logging: DEFAULT_LOGGING, loggers: [['Root', '', 'warn']], interval: '5' },
      {
        name: 'named loggers before the root, in order',
        logging: logging('info', [{ name: 'com.example', level: 'debug' }, { name: 'org.apache.spark', level: 'error' }]),
        loggers: [['Logger', 'com.example', 'debug'], ['Logger', 'org.apache.spark', 'error'], ['Root', '', 'info']],
        interval: '5',
      },
      {
        name: 'names with XML special characters are escaped; non-ASCII names survive (UTF-8)',
        logging: logging('error', [{ name: 'a&b<c>"d\'e', level: 'warn' }, { name: 'x$Inner-1_2', level: 'info' }, { name: 'café.日本', level: 'debug' }]),
        monitor: 30,
        loggers: [['Logger', 'a&b<c>"d\'e', 'warn'], ['Logger', 'x$Inner-1_2', 'info'], ['Logger', 'café.日本', 'debug'], ['Root', '', 'error']],
        interval: '30',
      },
      { name: 'a logger list that is absent', logging: { configuration: { loggers: { root: { level: 'debug' } } } }, loggers: [['Root', '', 'debug']], interval: '5' },
    ];
    cases.forEach((c, i) => {
      it(c.name, async () => {
        const file = path.join(probe.dir, `log4j2-${i}.xml`);
        await fs.writeFile(file, log4j2Config(c.logging, c.monitor));
        const parsed = await probe.log4j2(file);
        assert.equal(parsed.element, 'Configuration');
        assert.equal(parsed.monitorInterval, c.interval);
        assert.deepEqual(parsed.loggers.map((l) => [l.element, l.name, l.level]), c.loggers);
        // Named loggers inherit the root's appender; only the root names it.
        assert.deepEqual(parsed.loggers.map((l) => l.appenderRefs), c.loggers.map(([element]) => (element === 'Root' ? ['stdout'] : [])));
      });
    });
  });
});

describe('heapMb: (supervisorUnits + workers × workerUnits) × per unit, capped, at least 64', () => {
  const settings = (heapMbPerUnit: number, maxHeapMb: number): LocalJvmSettings => ({ java: 'java', heapMbPerUnit, maxHeapMb });
  const cases: { name: string; cluster: ClusterConfiguration; settings: LocalJvmSettings; heap: number }[] = [
    { name: 'one unit each', cluster: { workers: 1, workerUnits: 1, supervisorUnits: 1 }, settings: settings(256, 2048), heap: 512 },
    { name: 'workers multiply their units', cluster: { workers: 3, workerUnits: 2, supervisorUnits: 1 }, settings: settings(100, 2048), heap: 700 },
    { name: 'supervisor units count', cluster: { workers: 1, workerUnits: 1, supervisorUnits: 4 }, settings: settings(100, 2048), heap: 500 },
    { name: 'exactly at the cap', cluster: { workers: 3, workerUnits: 2, supervisorUnits: 2 }, settings: settings(256, 2048), heap: 2048 },
    { name: 'over the cap', cluster: { workers: 199, workerUnits: 15, supervisorUnits: 15 }, settings: settings(256, 2048), heap: 2048 },
    { name: 'under the floor', cluster: { workers: 1, workerUnits: 1, supervisorUnits: 1 }, settings: settings(16, 2048), heap: 64 },
    { name: 'exactly at the floor', cluster: { workers: 1, workerUnits: 1, supervisorUnits: 1 }, settings: settings(32, 2048), heap: 64 },
    { name: 'the floor wins over a cap below it', cluster: { workers: 1, workerUnits: 1, supervisorUnits: 1 }, settings: settings(256, 32), heap: 64 },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(heapMb(c.cluster, c.settings), c.heap));
  }
});

describe('javaArguments', () => {
  const settings: LocalJvmSettings = { java: '/usr/bin/java', heapMbPerUnit: 256, maxHeapMb: 2048 };
  const work = '/data/jobs/7d0c5f3e';
  const pinned: PinnedCatalogVersions = { inputCatalogs: { a: { processingType: 'reprocess', version: 1 } }, outputCatalog: { baseVersion: -1 } };
  const head = (gc: string[]) => ['-Xmx512m', ...gc, '-Dsluice.job.id=7d0c5f3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f.0', `-Dpipeline-config.file=${work}/pipeline-config.conf`,
    `-Dlog4j2.configurationFile=${work}/log4j2.xml`, `-Dlog4j.configurationFile=${work}/log4j2.xml`];
  const tail = ['-cp', `${work}${path.delimiter}/data/packages/app.jar`, 'com.example.Main'];
  const cases: { name: string; spec: JobSpec; args: string[] }[] = [
    {
      name: 'batch with pinned catalog versions: pipeline-job.file too',
      spec: spec({ catalogVersions: pinned }),
      args: [...head(['-XX:+UseG1GC']), `-Dpipeline-job.file=${work}/pipeline-job.conf`, ...tail],
    },
    { name: 'batch without catalog versions: no pipeline-job.file', spec: spec(), args: [...head(['-XX:+UseG1GC']), ...tail] },
    {
      name: 'stream: never a pipeline-job.file; checkpoint and snapshot folders',
      spec: spec({ kind: 'stream', catalogVersions: pinned }),
      args: [...head(['-XX:+UseG1GC']), `-Dpipeline.checkpoint.dir=${work}/checkpoints`, `-Dpipeline.snapshot.dir=${work}/snapshot`, ...tail],
    },
    {
      name: 'stream restored from a snapshot, third attempt: restore folder and the attempt in the marker',
      spec: spec({ kind: 'stream', attempt: 2, restoreLocation: '/data/snapshots/s-1' }),
      args: [
        ...head(['-XX:+UseG1GC']).map((a) => a.replace(/\.0$/, '.2')),
        `-Dpipeline.checkpoint.dir=${work}/checkpoints`, `-Dpipeline.snapshot.dir=${work}/snapshot`, '-Dpipeline.restore.dir=/data/snapshots/s-1', ...tail,
      ],
    },
    { name: 'gcProfile parallelgc', spec: spec({ cluster: { ...cluster, gcProfile: 'parallelgc' } }), args: [...head(['-XX:+UseParallelGC']), ...tail] },
    { name: 'gcProfile g1gc', spec: spec({ cluster: { ...cluster, gcProfile: 'g1gc' } }), args: [...head(['-XX:+UseG1GC']), ...tail] },
    { name: 'an unknown gcProfile: the JVM default, no flag', spec: spec({ cluster: { ...cluster, gcProfile: 'zgc' } }), args: [...head([]), ...tail] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(javaArguments(c.spec, work, settings), c.args));
  }

  it('a binding\'s classpath folder: every JAR in it, after the job\'s own', () => {
    const args = javaArguments(spec(), work, { ...settings, classpath: '/opt/flink/lib' });
    assert.deepEqual(args.slice(-3), ['-cp', [work, '/data/packages/app.jar', '/opt/flink/lib/*'].join(path.delimiter), 'com.example.Main']);
  });

  it('the marker argument is the one a restarted service looks for', () => {
    const args = javaArguments(spec(), work, settings);
    assert.equal(args.filter((a) => a === jobMarker(spec().jobId, 0)).length, 1);
    assert.equal(jobMarker('j-1', 2), '-Dsluice.job.id=j-1.2');
  });
});
