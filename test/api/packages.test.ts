import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { before, it } from 'node:test';
import { buildJar, EMPTY_ZIP, multipartWith } from '../helpers/jars.js';
import { describeOnStores, REALM } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

const LIMIT = 256 * 1024;

describeOnStores('packages', (ctx) => {
  let goodJar: Buffer;
  before(async () => {
    goodJar = await fs.readFile(await buildJar({
      classes: ['com.example.WordCount', 'com.example.Other'],
      mainClass: 'com.example.WordCount',
      entryPoints: ['com.example.WordCount', 'com.example.Other'],
    }));
  });

  const upload = (content: Buffer, fileName = 'word-count.jar', field = 'jarPackage') =>
    ctx.api('POST', '/v2/packages', { rawBody: multipartWith(field, fileName, content) });

  /** The JARs the server keeps; a failed upload must leave none (and no partial file) behind. */
  const storedFiles = async () => (await fs.readdir(path.join(ctx.store.env.SLUICE_DATA_DIR, 'packages'))).sort();

  it('stores a JAR and reads its manifest', async () => {
    const res = await upload(goodJar);
    assert.equal(res.status, 201, res.text);
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.fileName, 'word-count.jar');
    assert.equal(res.body.mainClass, 'com.example.WordCount');
    assert.deepEqual(res.body.entryPoints, ['com.example.WordCount', 'com.example.Other']);
    assert.ok((await storedFiles()).includes(`${res.body.id}.jar`));
    assert.ok(res.headers.get('x-request-id'));
  });

  it('reports a JAR without Main-Class or Entry-Point as such', async () => {
    const plain = await fs.readFile(await buildJar({ classes: ['a.B'] }));
    const res = await upload(plain, 'plain.jar');
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.mainClass, undefined);
    assert.deepEqual(res.body.entryPoints, []);
  });

  const refusals: [string, () => Promise<{ status: number; body: any }>, number][] = [
    ['a 10-byte file that is not a zip', () => upload(Buffer.from('0123456789'), 'bad.jar'), 415],
    ['a zip without entries', () => upload(EMPTY_ZIP, 'empty.jar'), 415],
    ['a zip without a manifest', async () => upload(await fs.readFile(await buildJar({ classes: ['a.B'], manifest: false })), 'nomf.jar'), 415],
    ['an upload over the size limit', () => upload(Buffer.concat([goodJar, Buffer.alloc(LIMIT)]), 'big.jar'), 413],
    ['a file name with ../', () => upload(goodJar, '../../escape.jar'), 400],
    ['a file name with a folder', () => upload(goodJar, 'dir/inner.jar'), 400],
    ['a file name over 200 characters', () => upload(goodJar, 'x'.repeat(197) + '.jar'), 400],
    ['a file in another field', () => upload(goodJar, 'word-count.jar', 'file'), 400],
    ['an empty file', () => upload(Buffer.alloc(0), 'zero.jar'), 400],
    ['a JSON body', () => ctx.api('POST', '/v2/packages', { body: { jarPackage: 'x' } }), 415],
    ['no body at all', () => ctx.api('POST', '/v2/packages'), 415],
  ];
  for (const [what, send, status] of refusals) {
    it(`refuses ${what} with ${status} and keeps nothing`, async () => {
      const before = await storedFiles();
      const res = await send();
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.status, status);
      assert.match(res.body.code, /^E\d{4}$/);
      assert.ok(res.body.message.length > 0);
      assert.deepEqual(await storedFiles(), before);
    });
  }

  it('points at the file name when it is refused', async () => {
    const res = await upload(goodJar, '../x.jar');
    assert.equal(res.body.errors[0].field, '/jarPackage/fileName');
  });

  it('says plainly that an uploaded file has no name', async () => {
    const res = await upload(goodJar, '');
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.message, 'The file name is missing: the uploaded part has no filename.');
  });

  it('keeps a project\'s package to that project, as pipelines and templates', async () => {
    const projectA = ctx.as(await ctx.tokenFor({ realm: REALM, scope: 'hrn:here:authorization::realm-a:project/a' }));
    const projectB = ctx.as(await ctx.tokenFor({ realm: REALM, scope: 'hrn:here:authorization::realm-a:project/b' }));
    const uploaded = await projectA('POST', '/v2/packages', { rawBody: multipartWith('jarPackage', 'a.jar', goodJar) });
    assert.equal(uploaded.status, 201, uploaded.text);
    const id = uploaded.body.id;
    assert.equal((await projectA('GET', `/sluice/v1/packages/${id}`)).status, 200);
    assert.equal((await projectB('GET', `/sluice/v1/packages/${id}`)).status, 404);
    assert.equal((await ctx.api('GET', `/sluice/v1/packages/${id}`)).status, 404, 'an unscoped token sees no project\'s package');
    assert.ok(!(await projectB('GET', '/sluice/v1/packages')).body.some((p: { id: string }) => p.id === id));

    const template = { packageId: id, entryPointClassName: 'com.example.WordCount', runtimeEnvironment: 'batch-3.0.0', inputCatalogIds: [],
      defaultClusterConfiguration: { workers: 1, workerUnits: 1, supervisorUnits: 1 } };
    const onOther = await projectB('POST', '/v2/templates', { body: { ...template, name: 'on-a-package-of-a' } });
    assert.equal(onOther.status, 201, onOther.text);
    const failed = await waitFor(async () => {
      const t = (await projectB('GET', `/v2/templates/${onOther.body.id}`)).body;
      return t.state === 'creating' ? undefined : t;
    }, { what: 'the template check' });
    assert.equal(failed.state, 'creation_failed');
    assert.match(failed.stateMessage, /package of this template does not exist/);
    const onOwn = await projectA('POST', '/v2/templates', { body: { ...template, name: 'on-its-own-package' } });
    const created = await waitFor(async () => {
      const t = (await projectA('GET', `/v2/templates/${onOwn.body.id}`)).body;
      return t.state === 'creating' ? undefined : t;
    }, { what: 'the template check' });
    assert.equal(created.state, 'created');
  });

  it('needs a token', async () => {
    const res = await ctx.as(null)('POST', '/v2/packages', { rawBody: multipartWith('jarPackage', 'a.jar', goodJar) });
    assert.equal(res.status, 401);
  });
}, { env: { SLUICE_MAX_PACKAGE_BYTES: String(LIMIT) } });
