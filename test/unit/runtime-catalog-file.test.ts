import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builtInCatalog, type RuntimeCatalog } from '../../src/domain/runtime-catalog.js';
import { loadRuntimeCatalog } from '../../src/runtime-catalog-file.js';

/** An operator's catalog: one stream runtime of its own, on its own profile. */
const own: RuntimeCatalog = {
  availableRuntimes: [{
    id: 'stream-6.1',
    displayName: 'Stream 6.1',
    description: 'Flink 1.20',
    availableResourceProfileIds: ['s-small'],
    defaultWorkerResourceProfileId: 's-small',
    defaultSupervisorResourceProfileId: 's-small',
    maxWorkerUnits: 8,
    maxSupervisorUnits: 4,
    maxAdditionalOverheadMemory: 0.05,
    defaultGcProfile: 'g1gc',
    availableGcProfiles: [{ id: 'g1gc', name: 'G1', description: 'G1' }],
    deprecationPeriodAnnounced: '2030-01-01T00:00:00Z',
  }],
  availableResourceProfiles: [
    { id: 's-small', label: 'S', name: 'Small', cpuPerUnit: 0.5, memoryInGiBPerUnit: 2, diskInGiBPerUnit: 4 },
  ],
};

describe('loadRuntimeCatalog', () => {
  let dir: string;
  const write = async (name: string, content: unknown) => {
    const file = path.join(dir, name);
    await fs.writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  /** `own` with one change, written to a file. */
  const variant = (name: string, change: (c: RuntimeCatalog & Record<string, unknown>) => void) => {
    const catalog = structuredClone(own) as RuntimeCatalog & Record<string, unknown>;
    change(catalog);
    return write(name, catalog);
  };

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-catalog-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('gives the built-in catalog without a file', async () => {
    assert.equal(await loadRuntimeCatalog(undefined), builtInCatalog);
    assert.equal(await loadRuntimeCatalog(''), builtInCatalog);
  });

  it('uses a valid file in its place', async () => {
    const file = await write('own.json', own);
    assert.deepEqual(await loadRuntimeCatalog(file), own);
  });

  it('takes the built-in catalog written out as a file', async () => {
    const file = await write('built-in.json', builtInCatalog);
    assert.deepEqual(await loadRuntimeCatalog(file), builtInCatalog);
  });

  it('takes runtime bindings, each checked by its kind', async () => {
    const bound = { ...own, runtimeBindings: { [own.availableRuntimes[0].id]: { kind: 'local-jvm', classpath: '/opt/flink/lib' } } };
    const file = await write('bound.json', bound);
    assert.deepEqual(await loadRuntimeCatalog(file), bound);
  });

  const bindings = (name: string, runtimeBindings: Record<string, { kind: string; [key: string]: unknown }>) => variant(name, (c) => { c.runtimeBindings = runtimeBindings; });
  const refused: { name: string; file: () => Promise<string>; message: RegExp }[] = [
    {
      name: 'a binding of a kind this build does not have',
      file: () => bindings('kind.json', { 'stream-6.1': { kind: 'yarn' } }),
      message: /kind\.json is not consistent: runtimeBindings\/stream-6\.1\/kind: "yarn" is not a runtime kind of this build \(local-jvm/,
    },
    {
      name: 'a binding of an environment the catalog does not list',
      file: () => bindings('env.json', { 'stream-9.9': { kind: 'local-jvm' } }),
      message: /env\.json is not consistent: runtimeBindings names "stream-9\.9", which availableRuntimes does not list/,
    },
    {
      name: 'a relative classpath folder',
      file: () => bindings('relative.json', { 'stream-6.1': { kind: 'local-jvm', classpath: 'lib' } }),
      message: /relative\.json is not consistent: runtimeBindings\/stream-6\.1\/classpath: /,
    },
    {
      name: 'a setting the kind does not take',
      file: () => bindings('extra.json', { 'stream-6.1': { kind: 'local-jvm', restUrl: 'http://x' } }),
      message: /extra\.json is not consistent: runtimeBindings\/stream-6\.1/,
    },
    { name: 'a file that is not JSON', file: () => write('broken.json', '{"availableRuntimes": ['), message: /runtime catalog .*broken\.json is not JSON: .+/ },
    { name: 'an empty file', file: () => write('empty.json', ''), message: /empty\.json is not JSON/ },
    { name: 'a missing file', file: async () => path.join(dir, 'missing.json'), message: /runtime catalog .*missing\.json cannot be read: ENOENT/ },
    { name: 'a JSON array', file: () => write('array.json', []), message: /array\.json is not valid/ },
    { name: 'no runtimes', file: () => variant('none.json', (c) => { c.availableRuntimes = []; }), message: /none\.json is not valid: \/availableRuntimes: .+/ },
    {
      name: 'more units than the hosted 15',
      file: () => variant('units.json', (c) => { c.availableRuntimes[0].maxWorkerUnits = 16; }),
      message: /units\.json is not valid: \/availableRuntimes\/0\/maxWorkerUnits: .+/,
    },
    {
      name: 'a field missing',
      file: () => variant('missing-field.json', (c) => { delete (c.availableRuntimes[0] as Partial<RuntimeCatalog['availableRuntimes'][0]>).defaultGcProfile; }),
      message: /not valid: .*defaultGcProfile/,
    },
    {
      name: 'a profile with no CPU',
      file: () => variant('cpu.json', (c) => { c.availableResourceProfiles[0].cpuPerUnit = 0; }),
      message: /not valid: \/availableResourceProfiles\/0\/cpuPerUnit/,
    },
    {
      name: 'an unknown profile',
      file: () => variant('unknown.json', (c) => { c.availableRuntimes[0].availableResourceProfileIds.push('s-huge'); }),
      message: /unknown\.json is not consistent: runtime stream-6\.1 names unknown resource profile "s-huge"/,
    },
    {
      name: 'a bad runtime id',
      file: () => variant('id.json', (c) => { c.availableRuntimes[0].id = 'flink-1.20'; }),
      message: /id\.json is not consistent: runtime id "flink-1\.20" must look like/,
    },
    {
      name: 'a default GC profile not offered',
      file: () => variant('gc.json', (c) => { c.availableRuntimes[0].defaultGcProfile = 'zgc'; }),
      message: /gc\.json is not consistent: .*default GC profile "zgc"/,
    },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}, naming the problem`, async () => {
      const file = await c.file();
      await assert.rejects(loadRuntimeCatalog(file), (error: Error) => {
        assert.match(error.message, c.message);
        assert.ok(error.message.includes(file), error.message);
        return true;
      });
    });
  }
});
