import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { before, it } from 'node:test';
import { JAR_CONTENT_LIMITS } from '../../src/packages/jar-inspector.js';
import { assertErrorMessage } from '../helpers/errors.js';
import { buildJar, multipartWith } from '../helpers/jars.js';
import { describeOnStores } from '../helpers/suite.js';
import { buildZip, classEntry, manifestEntry, type ZipEntry } from '../helpers/zip-builder.js';

/** Manifest lines wrap at 72 bytes; a continuation line starts with one space. */
function wrapped(attribute: string, value: string): string[] {
  const line = `${attribute}: ${value}`;
  const lines = [line.slice(0, 72)];
  for (let at = 72; at < line.length; at += 71) lines.push(` ${line.slice(at, at + 71)}`);
  return lines;
}

const entryPoints = (count: number) => Array.from({ length: count }, (_, i) => `com.example.Entry${i}`);

/** A small limit, so the test needs no archive of 200 000 entries. */
const MAX_ENTRIES = 2000;

describeOnStores('hostile JAR uploads', (ctx) => {
  let goodJar: Buffer;
  before(async () => {
    goodJar = await fs.readFile(await buildJar({ classes: ['com.example.Main'], mainClass: 'com.example.Main', entryPoints: ['com.example.Main'] }));
  });

  const upload = (content: Buffer, fileName = 'hostile.jar') => ctx.api('POST', '/v2/packages', { rawBody: multipartWith('jarPackage', fileName, content) });
  const storedFiles = async () => (await fs.readdir(path.join(ctx.store.env.SLUICE_DATA_DIR, 'packages'))).sort();
  const packageCount = async () => (await ctx.api('GET', '/sluice/v1/packages')).body.length as number;

  /** Uploads `content`, expects `status` with an ErrorMessage matching `message`, and that nothing was kept. */
  async function refused(content: Buffer, status: number, message: RegExp) {
    const files = await storedFiles();
    const count = await packageCount();
    const res = await upload(content);
    assertErrorMessage(res, status);
    assert.match(res.body.message, message);
    assert.deepEqual(await storedFiles(), files, 'no file (or partial file) left behind');
    assert.equal(await packageCount(), count, 'no package recorded');
  }

  it('refuses a zip bomb by its ratio: 80 MB of zeros deflated to ~80 KB', async () => {
    const bomb = buildZip([manifestEntry(['Main-Class: com.example.Main']), { name: 'com/example/zeros.bin', data: Buffer.alloc(80 * 1024 * 1024), deflate: true }]);
    assert.ok(bomb.length < 200 * 1024);
    await refused(bomb, 413, /zip bomb/);
  });

  it('refuses an archive whose directory declares sizes far beyond its bytes', async () => {
    const lying = buildZip([manifestEntry([]), { name: 'big.bin', data: Buffer.from('x'), deflate: true, declaredSize: 0xfffffff0 }]);
    await refused(lying, 413, /inflate to more than/);
  });

  it(`refuses more than SLUICE_MAX_PACKAGE_ENTRIES entries (${MAX_ENTRIES} here), takes exactly that many`, async () => {
    const entries: ZipEntry[] = [manifestEntry([])];
    for (let i = 1; i < MAX_ENTRIES; i++) entries.push({ name: `e/${i.toString(36)}`, data: Buffer.alloc(0) });
    const res = await upload(buildZip(entries));
    assert.equal(res.status, 201, res.text);
    entries.push({ name: 'e/one-more', data: Buffer.alloc(0) });
    await refused(buildZip(entries), 413, new RegExp(`${MAX_ENTRIES + 1} entries`));
  });

  it('refuses a zip64 directory claiming five million entries without reading them', async () => {
    await refused(buildZip([manifestEntry([]), classEntry('com.example.Main')], { claimedEntries: 5_000_000 }), 413, /5000000 entries/);
  });

  it('refuses entry names that climb out (../) or are absolute', async () => {
    for (const name of ['../evil.class', 'com/../../evil.class', '/etc/cron.d/evil', '..\\evil.class']) {
      await refused(buildZip([manifestEntry([]), classEntry('com.example.Main'), { name, data: Buffer.from('x') }]), 415, /cannot be read|path/);
    }
  });

  it('refuses a truncated archive and a 0-byte file', async () => {
    await refused(goodJar.subarray(0, Math.floor(goodJar.length / 2)), 415, /not a zip archive|cannot be read/);
    await refused(goodJar.subarray(0, goodJar.length - 10), 415, /not a zip archive|cannot be read/);
    await refused(Buffer.alloc(0), 400, /empty/);
  });

  it(`refuses a manifest with 10 000 entry points, keeps one with ${JAR_CONTENT_LIMITS.maxEntryPoints}`, async () => {
    const many = buildZip([manifestEntry(wrapped('Entry-Point', entryPoints(10_000).join(' '))), classEntry('com.example.Entry0')]);
    await refused(many, 413, /10000 entry points/);
    const most = buildZip([manifestEntry(wrapped('Entry-Point', entryPoints(JAR_CONTENT_LIMITS.maxEntryPoints).join(' '))), classEntry('com.example.Entry0')]);
    const res = await upload(most);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.entryPoints.length, JAR_CONTENT_LIMITS.maxEntryPoints);
  });

  it('still takes an ordinary JAR after all of that', async () => {
    const res = await upload(goodJar, 'fine.jar');
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.entryPoints, ['com.example.Main']);
  });
}, { env: { SLUICE_MAX_PACKAGE_ENTRIES: String(MAX_ENTRIES) } });
