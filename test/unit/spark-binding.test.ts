import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builtInCatalog } from '../../src/domain/runtime-catalog.js';
import { loadRuntimeCatalog } from '../../src/runtime-catalog-file.js';

/** A `spark` binding in the runtime catalog file is checked by the Spark runtime's own schema at start. */
describe('spark bindings in the runtime catalog file', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-spark-binding-'));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  const good = { kind: 'spark', restUrl: 'http://spark-master:6066', masterUrl: 'spark://spark-master:7077', sparkVersion: '3.5.1', sharedDir: '/mnt/sluice-spark' };
  const load = async (binding: Record<string, unknown>) => {
    const file = path.join(dir, `catalog-${Math.random().toString(36).slice(2)}.json`);
    await fs.writeFile(file, JSON.stringify({ ...builtInCatalog, runtimeBindings: { 'batch-3.0.0': binding } }));
    return loadRuntimeCatalog(file);
  };

  it('takes a complete binding', async () => {
    const catalog = await load({ ...good, pollIntervalMs: 2000, supervise: true, sparkProperties: { 'spark.eventLog.enabled': 'true' } });
    assert.equal(catalog.runtimeBindings?.['batch-3.0.0']?.kind, 'spark');
  });

  it('refuses a missing or malformed setting, naming where it is', async () => {
    await assert.rejects(() => load({ ...good, restUrl: undefined }), /runtimeBindings\/batch-3\.0\.0.*restUrl/);
    await assert.rejects(() => load({ ...good, masterUrl: 'http://spark-master:7077' }), /runtimeBindings\/batch-3\.0\.0\/masterUrl/);
    await assert.rejects(() => load({ ...good, sharedDir: 'relative/dir' }), /runtimeBindings\/batch-3\.0\.0\/sharedDir/);
    await assert.rejects(() => load({ ...good, sharedDir: '/mnt/with space' }), /runtimeBindings\/batch-3\.0\.0\/sharedDir/);
    await assert.rejects(() => load({ ...good, pollIntervalMs: 10 }), /runtimeBindings\/batch-3\.0\.0\/pollIntervalMs/);
    await assert.rejects(() => load({ ...good, sparkProperties: { 'not.spark': 'x' } }), /runtimeBindings\/batch-3\.0\.0\/sparkProperties/);
    await assert.rejects(() => load({ ...good, colour: 'blue' }), /runtimeBindings\/batch-3\.0\.0/);
  });
});
