import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  builtInCatalog, catalogProblems, DEFAULT_RUNTIME_ID, findRuntime, runtimeKindOf, type RuntimeCatalog, type RuntimeKind,
} from '../../src/domain/runtime-catalog.js';

describe('runtimeKindOf', () => {
  const cases: [string, RuntimeKind | null][] = [
    ['batch-3.0.0', 'batch'],
    ['batch-2.1.0', 'batch'],
    ['batch-3.0', 'batch'],
    ['stream-5.0', 'stream'],
    ['stream-4.0.0', 'stream'],
    ['stream-10.12.3', 'stream'],
    ['stream-5', null],
    ['batch-3', null],
    ['spark-1.0', null],
    ['flink-1.17.0', null],
    ['batch-1.0.0.0', null],
    ['batch-1.0.', null],
    ['batch-.1.0', null],
    ['batch-a.b', null],
    ['batch3.0.0', null],
    ['Batch-3.0.0', null],
    ['batch-3.0.0 ', null],
    [' stream-5.0', null],
    ['batch-3.0.0-rc1', null],
    ['batch-', null],
    ['', null],
  ];
  for (const [id, kind] of cases) {
    it(`"${id}" → ${kind}`, () => assert.equal(runtimeKindOf(id), kind));
  }
});

describe('builtInCatalog', () => {
  it('is consistent', () => {
    assert.deepEqual(catalogProblems(builtInCatalog), []);
  });

  it('shares no array between runtimes', () => {
    const [first, second] = builtInCatalog.availableRuntimes;
    assert.notEqual(first.availableResourceProfileIds, second.availableResourceProfileIds);
    assert.notEqual(first.availableGcProfiles, second.availableGcProfiles);
    assert.notEqual(first.availableGcProfiles[0], second.availableGcProfiles[0]);
  });

  it('offers a stream runtime with a two-part version and batch runtimes with three', () => {
    const ids = builtInCatalog.availableRuntimes.map((r) => r.id);
    assert.ok(ids.includes('stream-5.0'), ids.join());
    assert.ok(ids.some((id) => /^batch-\d+\.\d+\.\d+$/.test(id)), ids.join());
  });

  it('has a kind for every runtime and both kinds', () => {
    const kinds = new Set(builtInCatalog.availableRuntimes.map((r) => runtimeKindOf(r.id)));
    assert.deepEqual([...kinds].sort(), ['batch', 'stream']);
  });

  it('holds every runtime to the hosted limits (15 units, 0.05 overhead)', () => {
    for (const r of builtInCatalog.availableRuntimes) {
      assert.ok(r.maxWorkerUnits >= 1 && r.maxWorkerUnits <= 15, r.id);
      assert.ok(r.maxSupervisorUnits >= 1 && r.maxSupervisorUnits <= 15, r.id);
      assert.ok(r.maxAdditionalOverheadMemory <= 0.05, r.id);
    }
  });

  it('gives a batch runtime batch profiles and a stream runtime stream profiles (32 GiB and 8 GiB disk)', () => {
    for (const r of builtInCatalog.availableRuntimes) {
      const kind = runtimeKindOf(r.id)!;
      for (const id of r.availableResourceProfileIds) {
        const profile = builtInCatalog.availableResourceProfiles.find((p) => p.id === id)!;
        assert.ok(id.startsWith(`${kind}-`), `${r.id} offers ${id}`);
        assert.equal(profile.diskInGiBPerUnit, kind === 'batch' ? 32 : 8, id);
      }
    }
  });

  it('has its default runtime', () => {
    assert.equal(findRuntime(builtInCatalog, DEFAULT_RUNTIME_ID)?.id, DEFAULT_RUNTIME_ID);
    assert.equal(findRuntime(builtInCatalog, 'stream-5.0.0'), undefined);
  });
});

describe('catalogProblems', () => {
  const cases: { name: string; change: (c: RuntimeCatalog) => void; problems: RegExp[] }[] = [
    { name: 'an untouched copy', change: () => {}, problems: [] },
    {
      name: 'a runtime offering an unknown profile',
      change: (c) => c.availableRuntimes[0].availableResourceProfileIds.push('gpu'),
      problems: [/runtime batch-2\.1\.0 names unknown resource profile "gpu"/],
    },
    {
      name: 'an unknown default worker profile',
      change: (c) => { c.availableRuntimes[1].defaultWorkerResourceProfileId = 'gpu'; },
      problems: [/runtime batch-3\.0\.0 names unknown resource profile "gpu"/],
    },
    {
      name: 'the same unknown profile offered and as default: named once',
      change: (c) => {
        c.availableRuntimes[1].availableResourceProfileIds.push('gpu');
        c.availableRuntimes[1].defaultWorkerResourceProfileId = 'gpu';
        c.availableRuntimes[1].defaultSupervisorResourceProfileId = 'gpu';
      },
      problems: [/runtime batch-3\.0\.0 names unknown resource profile "gpu"/],
    },
    {
      name: 'a default supervisor profile the runtime does not offer',
      change: (c) => { c.availableRuntimes[3].defaultSupervisorResourceProfileId = 'batch-standard'; },
      problems: [/runtime stream-5\.0: default supervisor resource profile "batch-standard" is not among its available ones/],
    },
    {
      name: 'a default GC profile that is not available',
      change: (c) => { c.availableRuntimes[2].defaultGcProfile = 'cms'; },
      problems: [/runtime stream-4\.0\.0: default GC profile "cms" is not among its available ones/],
    },
    {
      name: 'no GC profiles at all',
      change: (c) => { c.availableRuntimes[0].availableGcProfiles = []; },
      problems: [/runtime batch-2\.1\.0: default GC profile "g1gc" is not among/],
    },
    {
      name: 'a GC profile listed twice',
      change: (c) => { c.availableRuntimes[0].availableGcProfiles.push({ id: 'g1gc', name: 'again', description: '' }); },
      problems: [/runtime batch-2\.1\.0: GC profile "g1gc" is listed more than once/],
    },
    {
      name: 'a runtime id that is not batch-/stream-X.Y[.Z]',
      change: (c) => { c.availableRuntimes[0].id = 'spark-3.4'; },
      problems: [/runtime id "spark-3\.4" must look like batch-X\.Y\[\.Z\] or stream-X\.Y\[\.Z\]/],
    },
    {
      name: 'a runtime listed twice',
      change: (c) => c.availableRuntimes.push(structuredClone(c.availableRuntimes[1])),
      problems: [/runtime "batch-3\.0\.0" is listed more than once/],
    },
    {
      name: 'a resource profile listed twice',
      change: (c) => c.availableResourceProfiles.push({ ...c.availableResourceProfiles[0], name: 'other' }),
      problems: [/resource profile "batch-standard" is listed more than once/],
    },
    {
      name: 'a profile removed that runtimes still offer',
      change: (c) => { c.availableResourceProfiles = c.availableResourceProfiles.filter((p) => p.id !== 'stream-high-cpu'); },
      problems: [/stream-4\.0\.0 names unknown resource profile "stream-high-cpu"/, /stream-5\.0 names unknown resource profile "stream-high-cpu"/],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      // As an operator's file would give it: no array shared between runtimes.
      const catalog = JSON.parse(JSON.stringify(builtInCatalog)) as RuntimeCatalog;
      c.change(catalog);
      const problems = catalogProblems(catalog);
      assert.equal(problems.length, c.problems.length, JSON.stringify(problems));
      c.problems.forEach((pattern, i) => assert.match(problems[i], pattern));
    });
  }
});
