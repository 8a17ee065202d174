import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { it } from 'node:test';
import { multipartWith } from '../helpers/jars.js';
import { describeOnStores } from '../helpers/suite.js';
import { jarWithEntries } from '../helpers/zip-writer.js';

/** The default limits (no SLUICE_MAX_PACKAGE_* set): a JAR of 200 000 entries is refused at once. */
describeOnStores('package entry limits', (ctx) => {
  it('refuses a JAR of 200 000 entries with 413 and a message naming the limit, keeping nothing', async () => {
    const packagesDir = path.join(ctx.store.env.SLUICE_DATA_DIR, 'packages');
    const before = await fs.readdir(packagesDir).catch(() => []);
    const res = await ctx.api('POST', '/v2/packages', { rawBody: multipartWith('jarPackage', 'huge.jar', jarWithEntries(200_000)) });
    assert.equal(res.status, 413, res.text);
    assert.equal(res.body.code, 'E1413');
    assert.match(res.body.message, /has 200000 entries; packages may have at most 65535 \(SLUICE_MAX_PACKAGE_ENTRIES\)/);
    assert.deepEqual(await fs.readdir(packagesDir).catch(() => []), before);
    assert.deepEqual((await ctx.api('GET', '/sluice/v1/packages')).body, []);
  });

  it('accepts a JAR of 65 535 entries', async () => {
    const res = await ctx.api('POST', '/v2/packages', { rawBody: multipartWith('jarPackage', 'big.jar', jarWithEntries(65_535)) });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.mainClass, 'p.C0');
  });
});
