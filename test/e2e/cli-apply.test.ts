import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { cliRunner, ok } from '../helpers/cli.js';
import { exampleJarPath } from '../helpers/lifecycle.js';
import { breaksIn, countPast, countsIn } from '../helpers/stream.js';
import { describeOnStores, GROUP } from '../helpers/suite.js';
import { jobDataDir } from '../helpers/server.js';

/** `sluice apply -f pipeline.yaml` against the real service: create, no-op, upgrade keeping state. */
describeOnStores('sluice apply', (ctx) => {
  let work: string;
  let output: string;
  let sluice: ReturnType<typeof cliRunner>;
  const file = () => path.join(work, 'pipeline.yaml');
  const describe = (templateDescription: string) => `# a stream pipeline that counts
package:
  jar: ${path.relative(work, exampleJarPath('stream-counter'))}
template:
  name: counter-template
  runtimeEnvironment: stream-5.0
  entryPointClassName: com.example.counter.Counter
  description: ${templateDescription}
pipeline:
  name: counter
  groupId: ${GROUP}
version:
  name: counter-version
  outputCatalogHRN: hrn:here:data:::counts
  customRuntimeConfiguration: |
    counter.output=${output}
  state: active
`;
  const apply = async (...extra: string[]) => JSON.parse(ok(await sluice(['apply', '-f', file(), '--json', '--timeout', '120', ...extra])));

  before(async () => {
    work = await jobDataDir('sluice-apply-');
    output = path.join(work, 'counts.txt');
    const token = await ctx.tokenFor({ realm: 'realm-a', roles: ['OrgAdmin'] });
    sluice = cliRunner({ SLUICE_CONFIG_DIR: path.join(work, 'config'), SLUICE_URL: ctx.server.url, SLUICE_TOKEN: token });
    await fs.writeFile(file(), describe('first build'));
  });

  it('plans without changing anything with --dry-run', async () => {
    const plan = await apply('--dry-run');
    assert.equal(plan.dryRun, true);
    assert.deepEqual(plan.changes.map((c: { action: string; target: string }) => `${c.action} ${c.target}`),
      ['upload package', 'create template', 'create pipeline', 'create version', 'activate version']);
    assert.deepEqual((await ctx.api('GET', '/v2/pipelines')).body, []);
    assert.deepEqual((await ctx.api('GET', '/v2/templates')).body, []);
  });

  it('creates everything and activates the stream version; a second apply changes nothing', async () => {
    const first = await apply();
    assert.equal(first.changes.length, 5);
    const version = (await ctx.api('GET', `/v2/pipelines/${first.pipelineId}/versions/${first.versionId}`)).body;
    assert.equal(version.state, 'running');
    await countPast(output, 3);
    const second = await apply();
    assert.deepEqual(second.changes, []);
    for (const key of ['packageId', 'templateId', 'pipelineId', 'versionId']) assert.equal(second[key], first[key], key);
    assert.equal((await ctx.api('GET', '/v2/templates')).body.length, 1);
    assert.equal((await ctx.api('GET', `/v2/pipelines/${first.pipelineId}/versions`)).body.length, 1);
    assert.equal((await ctx.api('GET', '/sluice/v1/packages')).body.length, 1, 'the JAR is uploaded once');
    const table = ok(await sluice(['apply', '-f', file()]));
    assert.match(table, /^nothing to change$/m);
  });

  it('upgrades the running stream version to a changed template, keeping its state', async () => {
    const before = await apply('--dry-run');
    assert.deepEqual(before.changes, []);
    await fs.writeFile(file(), describe('second build'));
    const plan = await apply('--dry-run');
    assert.deepEqual(plan.changes.map((c: { action: string; target: string }) => `${c.action} ${c.target}`), ['create template', 'create version', 'upgrade version']);
    const reached = (await countsIn(output)).length;
    const upgraded = await apply();
    assert.deepEqual(upgraded.changes.map((c: { action: string }) => c.action), ['create', 'create', 'upgrade']);
    assert.notEqual(upgraded.versionId, before.versionId);
    const versions = (await ctx.api('GET', `/v2/pipelines/${upgraded.pipelineId}/versions`)).body as { id: string; state: string }[];
    assert.deepEqual(Object.fromEntries(versions.map((v) => [v.id, v.state])), { [before.versionId]: 'ready', [upgraded.versionId]: 'running' });
    // The new job started from the old one's snapshot: the count goes on, never back to 1.
    const counts = await countPast(output, reached + 3);
    assert.deepEqual(breaksIn(counts), []);
    const snapshots = (await ctx.api('GET', `/v2/pipelines/${upgraded.pipelineId}/snapshots`)).body;
    assert.equal(snapshots.length, 1);
    assert.deepEqual((await apply()).changes, []);
    // Put back to ready, so the store can be dropped without a job left running.
    ok(await sluice(['pipeline', 'version', 'cancel', upgraded.pipelineId, upgraded.versionId, '--wait']));
  });
});
