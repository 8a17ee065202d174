import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clusterConfigurationProblems, MAX_WORKERS, withDefaults, type ClusterConfiguration,
} from '../../src/domain/cluster-configuration.js';
import { builtInCatalog, findRuntime, type RuntimeCatalog, type RuntimeEnvironment } from '../../src/domain/runtime-catalog.js';

/** A catalog whose one runtime has limits other than the usual 15 units and 0.05 overhead. */
const small: RuntimeEnvironment = {
  id: 'batch-9.1',
  displayName: 'Small',
  description: 'small limits',
  availableResourceProfileIds: ['p-default', 'p-big'],
  defaultWorkerResourceProfileId: 'p-big',
  defaultSupervisorResourceProfileId: 'p-default',
  maxWorkerUnits: 4,
  maxSupervisorUnits: 2,
  maxAdditionalOverheadMemory: 0.5,
  defaultGcProfile: 'zgc',
  availableGcProfiles: [{ id: 'zgc', name: 'Z', description: 'z' }, { id: 'g1gc', name: 'G1', description: 'g1' }],
};
const catalog: RuntimeCatalog = {
  availableRuntimes: [small],
  availableResourceProfiles: ['p-default', 'p-big', 'p-elsewhere'].map((id) => ({
    id, label: id, name: id, cpuPerUnit: 1, memoryInGiBPerUnit: 7, diskInGiBPerUnit: 8,
  })),
};

describe('withDefaults', () => {
  const runtimeDefaults = {
    workerResourceProfileId: 'p-big',
    workerAdditionalOverheadMemory: 0,
    supervisorResourceProfileId: 'p-default',
    supervisorAdditionalOverheadMemory: 0,
    gcProfile: 'zgc',
  };
  const template: Partial<ClusterConfiguration> = {
    workers: 2, workerUnits: 2, supervisorUnits: 1, workerResourceProfileId: 'p-default', workerAdditionalOverheadMemory: 0.1,
  };
  const cases: { name: string; layers: (Partial<ClusterConfiguration> | undefined)[]; expected: Partial<ClusterConfiguration> }[] = [
    { name: 'no layers: the runtime defaults only', layers: [], expected: runtimeDefaults },
    { name: 'undefined layers are skipped', layers: [undefined, undefined], expected: runtimeDefaults },
    { name: 'the template over the runtime', layers: [template], expected: { ...runtimeDefaults, ...template } },
    {
      name: 'the version over the template, field by field',
      layers: [template, { workers: 5, gcProfile: 'g1gc' }],
      expected: { ...runtimeDefaults, ...template, workers: 5, gcProfile: 'g1gc' },
    },
    {
      name: 'undefined in the version never overrides',
      layers: [template, { workers: undefined, workerResourceProfileId: undefined }],
      expected: { ...runtimeDefaults, ...template },
    },
    {
      name: 'null in the version never overrides',
      layers: [template, { workers: null, workerAdditionalOverheadMemory: null, gcProfile: null } as unknown as Partial<ClusterConfiguration>],
      expected: { ...runtimeDefaults, ...template },
    },
    {
      name: 'null in the template leaves the runtime default',
      layers: [{ supervisorResourceProfileId: null } as unknown as Partial<ClusterConfiguration>],
      expected: runtimeDefaults,
    },
    {
      name: 'zero is a value, not an absence',
      layers: [template, { workerAdditionalOverheadMemory: 0 }],
      expected: { ...runtimeDefaults, ...template, workerAdditionalOverheadMemory: 0 },
    },
    {
      name: 'fields that are no part of a cluster configuration are left out',
      layers: [{ workers: 1, billingTag: 'x', __proto__x: 1 } as unknown as Partial<ClusterConfiguration>],
      expected: { ...runtimeDefaults, workers: 1 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(withDefaults(small, ...c.layers), c.expected);
    });
  }

  it('changes none of its layers', () => {
    const version = { workers: 3 };
    const before = structuredClone(template);
    withDefaults(small, template, version);
    assert.deepEqual(template, before);
    assert.deepEqual(version, { workers: 3 });
  });

  it('takes the defaults of the runtime it is given', () => {
    const stream = findRuntime(builtInCatalog, 'stream-5.0')!;
    const merged = withDefaults(stream, { workers: 1, workerUnits: 1, supervisorUnits: 1 });
    assert.equal(merged.workerResourceProfileId, 'stream-standard');
    assert.equal(merged.supervisorResourceProfileId, 'stream-standard');
    assert.equal(merged.gcProfile, 'g1gc');
    assert.deepEqual(clusterConfigurationProblems(merged, stream, builtInCatalog, ''), []);
  });
});

describe('clusterConfigurationProblems', () => {
  const valid: ClusterConfiguration = {
    workers: 1,
    workerUnits: 1,
    workerResourceProfileId: 'p-big',
    workerAdditionalOverheadMemory: 0,
    supervisorUnits: 1,
    supervisorResourceProfileId: 'p-default',
    supervisorAdditionalOverheadMemory: 0,
    gcProfile: 'zgc',
  };
  // Each case: changes to `valid`, then the problems as [field, message pattern, invalidValue].
  const cases: { name: string; change: Partial<Record<keyof ClusterConfiguration, unknown>>; problems: [string, RegExp, unknown][] }[] = [
    { name: 'a valid configuration', change: {}, problems: [] },
    { name: 'the limits themselves', change: { workers: MAX_WORKERS, workerUnits: 4, supervisorUnits: 2, workerAdditionalOverheadMemory: 0.5 }, problems: [] },
    { name: 'optional fields left out', change: { workerResourceProfileId: undefined, supervisorAdditionalOverheadMemory: undefined, gcProfile: undefined }, problems: [] },
    { name: 'workers above 199', change: { workers: 200 }, problems: [['/workers', /at most 199/, 200]] },
    { name: 'no workers', change: { workers: 0 }, problems: [['/workers', /at least 1/, 0]] },
    { name: 'part of a worker', change: { workers: 1.5 }, problems: [['/workers', /whole number/, 1.5]] },
    { name: 'worker units above the runtime maximum', change: { workerUnits: 5 }, problems: [['/workerUnits', /at most 4 for runtime batch-9\.1/, 5]] },
    { name: 'supervisor units above the runtime maximum', change: { supervisorUnits: 3 }, problems: [['/supervisorUnits', /at most 2 for runtime batch-9\.1/, 3]] },
    { name: 'zero worker units', change: { workerUnits: 0 }, problems: [['/workerUnits', /at least 1/, 0]] },
    { name: 'negative supervisor units', change: { supervisorUnits: -1 }, problems: [['/supervisorUnits', /at least 1/, -1]] },
    { name: 'half a unit', change: { workerUnits: 1.5 }, problems: [['/workerUnits', /whole number/, 1.5]] },
    { name: 'an unknown worker profile', change: { workerResourceProfileId: 'nope' }, problems: [['/workerResourceProfileId', /unknown resource profile "nope"/, 'nope']] },
    { name: 'an unknown supervisor profile', change: { supervisorResourceProfileId: 'nope' }, problems: [['/supervisorResourceProfileId', /unknown resource profile "nope"/, 'nope']] },
    {
      name: 'a known profile the runtime does not offer',
      change: { workerResourceProfileId: 'p-elsewhere' },
      problems: [['/workerResourceProfileId', /"p-elsewhere" is not offered by runtime batch-9\.1/, 'p-elsewhere']],
    },
    { name: 'overhead above the runtime maximum', change: { workerAdditionalOverheadMemory: 0.51 }, problems: [['/workerAdditionalOverheadMemory', /at most 0\.5 for runtime/, 0.51]] },
    { name: 'overhead above the maximum and off the step: one problem', change: { supervisorAdditionalOverheadMemory: 0.515 }, problems: [['/supervisorAdditionalOverheadMemory', /at most 0\.5/, 0.515]] },
    { name: 'negative overhead', change: { workerAdditionalOverheadMemory: -0.01 }, problems: [['/workerAdditionalOverheadMemory', /at least 0/, -0.01]] },
    { name: 'overhead 0.015 is off the 0.01 step', change: { workerAdditionalOverheadMemory: 0.015 }, problems: [['/workerAdditionalOverheadMemory', /multiple of 0\.01/, 0.015]] },
    { name: 'overhead 0.001 is off the step', change: { supervisorAdditionalOverheadMemory: 0.001 }, problems: [['/supervisorAdditionalOverheadMemory', /multiple of 0\.01/, 0.001]] },
    { name: 'overhead 0.010000001 is off the step', change: { workerAdditionalOverheadMemory: 0.010000001 }, problems: [['/workerAdditionalOverheadMemory', /multiple of 0\.01/, 0.010000001]] },
    { name: 'overhead 0.03', change: { workerAdditionalOverheadMemory: 0.03 }, problems: [] },
    // 0.01 + 0.02 is 0.030000000000000002 in binary floating point: still on the step.
    { name: 'overhead 0.01 + 0.02 despite float error', change: { workerAdditionalOverheadMemory: 0.01 + 0.02 }, problems: [] },
    { name: 'overhead 0.29 and 0.57 - 0.1 (off by ~1e-14 once scaled)', change: { workerAdditionalOverheadMemory: 0.29, supervisorAdditionalOverheadMemory: 0.57 - 0.1 }, problems: [] },
    {
      name: 'a GC profile the runtime does not offer',
      change: { gcProfile: 'parallelgc' },
      problems: [['/gcProfile', /GC profile "parallelgc" is not offered by runtime batch-9\.1 \(offered: zgc, g1gc\)/, 'parallelgc']],
    },
    {
      name: 'every problem at once',
      change: {
        workers: 500, workerUnits: 9, workerResourceProfileId: 'x', workerAdditionalOverheadMemory: 0.025,
        supervisorUnits: 0, supervisorResourceProfileId: 'p-elsewhere', supervisorAdditionalOverheadMemory: 2, gcProfile: 'cms',
      },
      problems: [
        ['/workers', /at most 199/, 500],
        ['/workerUnits', /at most 4/, 9],
        ['/workerResourceProfileId', /unknown/, 'x'],
        ['/workerAdditionalOverheadMemory', /multiple of 0\.01/, 0.025],
        ['/supervisorUnits', /at least 1/, 0],
        ['/supervisorResourceProfileId', /not offered/, 'p-elsewhere'],
        ['/supervisorAdditionalOverheadMemory', /at most 0\.5/, 2],
        ['/gcProfile', /not offered/, 'cms'],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const config = { ...valid, ...c.change } as ClusterConfiguration;
      const problems = clusterConfigurationProblems(config, small, catalog, '');
      assert.deepEqual(
        problems.map((p) => [p.field, p.invalidValue]),
        c.problems.map(([field, , value]) => [field, value]),
        JSON.stringify(problems),
      );
      c.problems.forEach(([, message], i) => assert.match(problems[i].message, message));
      for (const problem of problems) assert.equal(problem.code, 'E1000');
    });
  }

  for (const at of ['/clusterConfiguration', '/defaultClusterConfiguration', '']) {
    it(`prefixes the fields with at = "${at}"`, () => {
      const config = { ...valid, workers: 200, gcProfile: 'cms' };
      const fields = clusterConfigurationProblems(config, small, catalog, at).map((p) => p.field);
      assert.deepEqual(fields, [`${at}/workers`, `${at}/gcProfile`]);
    });
  }

  it('holds a built-in batch runtime to the hosted 15 units and 0.05 overhead', () => {
    const batch = findRuntime(builtInCatalog, 'batch-3.0.0')!;
    const config = withDefaults(batch, { workers: 199, workerUnits: 15, supervisorUnits: 15, workerAdditionalOverheadMemory: 0.05 });
    assert.deepEqual(clusterConfigurationProblems(config, batch, builtInCatalog, ''), []);
    const over = { ...config, workerUnits: 16, supervisorUnits: 16, supervisorAdditionalOverheadMemory: 0.06 };
    assert.deepEqual(
      clusterConfigurationProblems(over, batch, builtInCatalog, '').map((p) => p.field),
      ['/workerUnits', '/supervisorUnits', '/supervisorAdditionalOverheadMemory'],
    );
  });

  it('refuses a stream profile on a batch runtime', () => {
    const batch = findRuntime(builtInCatalog, 'batch-3.0.0')!;
    const config = withDefaults(batch, { workers: 1, workerUnits: 1, supervisorUnits: 1, supervisorResourceProfileId: 'stream-standard' });
    const problems = clusterConfigurationProblems(config, batch, builtInCatalog, '/clusterConfiguration');
    assert.deepEqual(problems.map((p) => p.field), ['/clusterConfiguration/supervisorResourceProfileId']);
    assert.match(problems[0].message, /not offered by runtime batch-3\.0\.0/);
  });
});
