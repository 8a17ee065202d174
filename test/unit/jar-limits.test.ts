import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspectJar, jarLimitsFor } from '../../src/packages/jar-inspector.js';
import { jarWithEntries } from '../helpers/zip-writer.js';

describe('JAR inspection limits', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jar-limits-')); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });
  const written = async (name: string, content: Buffer) => {
    const file = path.join(dir, name);
    await fs.writeFile(file, content);
    return file;
  };

  it('reads a JAR within the limits', async () => {
    const result = await inspectJar(await written('ok.jar', jarWithEntries(100)), jarLimitsFor(100));
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.facts.mainClass, 'p.C0');
    assert.equal(result.facts.classNames.length, 99);
  });

  it('refuses a JAR of 200 000 entries from its end record, before reading any entry', async () => {
    const file = await written('many.jar', jarWithEntries(200_000));
    const result = await inspectJar(file, jarLimitsFor(65_535));
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.tooLarge);
    assert.match(!result.ok ? result.reason : '', /has 200000 entries; packages may have at most 65535 \(SLUICE_MAX_PACKAGE_ENTRIES\)/);
  });

  it('refuses a central directory larger than 1 KB per allowed entry', async () => {
    const result = await inspectJar(await written('long-names.jar', jarWithEntries(10, 2000)), jarLimitsFor(10));
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /central directory is \d+ bytes; packages may have at most 10240/);
  });
});
