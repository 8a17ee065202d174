import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { cliRunner, ok, type CliRun } from '../helpers/cli.js';
import { exampleJarPath } from '../helpers/lifecycle.js';
import { describeOnStores, GROUP } from '../helpers/suite.js';
import { jobDataDir } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

/**
 * README's walk-through done with `sluice` alone, spawned as a person runs it: an OrgAdmin
 * makes an app, and everything after goes through that app's credentials.properties and a profile.
 */
describeOnStores('the sluice command', (ctx) => {
  let work: string;
  let sluice: ReturnType<typeof cliRunner>;
  let pipelineId: string;
  let templateId: string;
  const id = (run: CliRun) => ok(run).trim();

  before(async () => {
    work = await jobDataDir('sluice-cli-');
    sluice = cliRunner({ SLUICE_CONFIG_DIR: path.join(work, 'config') });
    await fs.mkdir(path.join(work, 'in'));
    await fs.writeFile(path.join(work, 'in', 'a.txt'), 'the quick fox\nthe lazy dog\n');
    await fs.mkdir(path.join(work, 'poisoned'));
    await fs.writeFile(path.join(work, 'poisoned', 'a.txt'), 'POISON\n');
    await fs.writeFile(path.join(work, 'pipeline-config.conf'), `pipeline.config {
  output-catalog { hrn = "hrn:here:data:::word-counts" }
  input-catalogs { text { hrn = "hrn:here:data:::texts" } }
}
`);
    for (const [name, input, extra] of [['good', 'in', ''], ['poisoned', 'poisoned', ''], ['slow', 'in', 'wordcount.line-delay-ms=1500\n']]) {
      await fs.writeFile(path.join(work, `${name}.properties`), `wordcount.input=${path.join(work, input)}\nwordcount.output=${path.join(work, `${name}-out.txt`)}\n${extra}`);
    }
  });

  it('sets up a profile with an app\'s credentials', async () => {
    const admin = await ctx.tokenFor({ realm: 'realm-a', roles: ['OrgAdmin'] });
    const credentials = path.join(work, 'credentials.properties');
    ok(await sluice(['app', 'create', 'walkthrough', '--role', 'OrgAdmin', '-o', credentials, '--url', ctx.server.url, '--token', admin]));
    assert.equal((await fs.stat(credentials)).mode & 0o777, 0o600);
    ok(await sluice(['config', 'set', 'url', ctx.server.url]));
    ok(await sluice(['config', 'set', 'credentials', credentials]));
    const profile = JSON.parse(ok(await sluice(['config', 'get', '--json'])));
    assert.equal(profile.url, ctx.server.url);
    // From here on: no --url, no token; the profile's credentials get one from /oauth2/token.
    assert.equal(ok(await sluice(['pipeline', 'list', '--quiet'])), '');
  });

  it('uploads a template\'s JAR, creates a pipeline and a version from pipeline-config.conf', async () => {
    templateId = id(await sluice(['pipeline', 'template', 'create', 'word-count', 'batch-3.0.0', exampleJarPath('batch-word-count'),
      'com.example.wordcount.WordCount', '--input-catalog-ids', 'text', '--group', GROUP, '--quiet']));
    const template = JSON.parse(ok(await sluice(['pipeline', 'template', 'show', templateId, '--json'])));
    assert.equal(template.state, 'created');
    pipelineId = id(await sluice(['pipeline', 'create', 'word-count', '--group', GROUP, '--quiet']));
    const table = ok(await sluice(['pipeline', 'show', pipelineId]));
    assert.match(table, /^id\s+[0-9a-f-]{36}$/m);
    assert.match(table, /^name\s+word-count$/m);
  });

  it('prints the API\'s body exactly with --json', async () => {
    const cli = ok(await sluice(['pipeline', 'show', pipelineId, '--json']));
    const api = await ctx.api('GET', `/v2/pipelines/${pipelineId}`);
    assert.equal(cli, `${api.text}\n`);
    const hrn = JSON.parse(cli).hrn;
    assert.deepEqual(JSON.parse(ok(await sluice(['pipeline', 'show', hrn, '--json']))), api.body, 'an HRN works wherever an id does');
    const list = ok(await sluice(['pipeline', 'template', 'list', '--json']));
    assert.deepEqual(JSON.parse(list), (await ctx.api('GET', '/v2/templates')).body);
  });

  it('activate --wait returns when a run-now job has completed', async () => {
    const versionId = id(await sluice(['pipeline', 'version', 'create', 'good', pipelineId, templateId, path.join(work, 'pipeline-config.conf'),
      '--runtime-config', path.join(work, 'good.properties'), '--quiet']));
    const version = (await ctx.api('GET', `/v2/pipelines/${pipelineId}/versions/${versionId}`)).body;
    assert.deepEqual(version.inputCatalogs, { text: 'hrn:here:data:::texts' });
    assert.equal(version.outputCatalogHRN, 'hrn:here:data:::word-counts');
    const run = await sluice(['pipeline', 'version', 'activate', pipelineId, versionId, '--wait', '--timeout', '120']);
    const out = ok(run);
    assert.match(out, /state\s+succeeded/);
    assert.match(out, /job [0-9a-f-]{36} completed/);
    // Returned after the job: its output is there and the version is ready again.
    assert.equal(await fs.readFile(path.join(work, 'good-out.txt'), 'utf8'), 'dog\t1\nfox\t1\nlazy\t1\nquick\t1\nthe\t2\n');
    assert.equal((await ctx.api('GET', `/v2/pipelines/${pipelineId}/versions/${versionId}`)).body.state, 'ready');
    const operations = ok(await sluice(['pipeline', 'version', 'operation', 'list', pipelineId, versionId]));
    assert.match(operations, /job_terminate_to_ready\s+succeeded/);
    const jobId = id(await sluice(['pipeline', 'version', 'job', 'list', pipelineId, versionId, '--quiet']));
    const log = ok(await sluice(['pipeline', 'job', 'log', pipelineId, versionId, jobId]));
    assert.match(log, /counted 5 distinct words/);
    const url = id(await sluice(['pipeline', 'version', 'log', 'url', 'get', pipelineId, versionId, '--quiet']));
    assert.match(url, new RegExp(`/sluice/v1/jobs/${jobId}/log$`));
  });

  it('job log --follow prints a running job\'s log as it comes, once, and exits when the job has ended', async () => {
    const versionId = id(await sluice(['pipeline', 'version', 'create', 'slow', pipelineId, templateId, path.join(work, 'pipeline-config.conf'),
      '--runtime-config', path.join(work, 'slow.properties'), '--quiet']));
    ok(await sluice(['pipeline', 'version', 'activate', pipelineId, versionId]));
    const job = await waitFor(async () => {
      const jobs = (await ctx.api('GET', `/v2/pipelines/${pipelineId}/versions/${versionId}/jobs`)).body as { id: string; state: string }[];
      return jobs.find((j) => j.state === 'running');
    }, { timeoutMs: 60_000, what: 'the slow job running' });
    const followed = ok(await sluice(['pipeline', 'job', 'log', pipelineId, versionId, job.id, '--follow']));
    // Two lines at 1.5 s each: the follow began while the job ran, and it ended with the job.
    const ended = (await ctx.api('GET', `/v2/pipelines/${pipelineId}/versions/${versionId}/jobs`)).body.find((j: { id: string }) => j.id === job.id);
    assert.equal(ended.state, 'completed');
    assert.equal(followed.match(/output catalog: /g)?.length, 1, `the log's start was printed more than once:\n${followed}`);
    assert.match(followed, /counted 5 distinct words/);
    const whole = ok(await sluice(['pipeline', 'job', 'log', pipelineId, versionId, job.id]));
    assert.equal(followed, whole, 'the followed log differs from the log read after the end');
  });

  it('activate --wait exits 1 with the job\'s failure when the job fails', async () => {
    const versionId = id(await sluice(['pipeline', 'version', 'create', 'poisoned', pipelineId, templateId, path.join(work, 'pipeline-config.conf'),
      '--runtime-config', path.join(work, 'poisoned.properties'), '--quiet']));
    const run = await sluice(['pipeline', 'version', 'activate', pipelineId, versionId, '--wait', '--timeout', '120']);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /job [0-9a-f-]{36} failed: .*exited with code 1/);
    assert.equal((await ctx.api('GET', `/v2/pipelines/${pipelineId}/versions/${versionId}`)).body.state, 'ready');
  });

  it('prints ErrorMessages on stderr with exit 1, and usage errors exit 2', async () => {
    const missing = await sluice(['pipeline', 'show', '00000000-0000-4000-8000-000000000000']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /E1404 \(404\): Pipeline 00000000-0000-4000-8000-000000000000 was not found/);
    const invalid = await sluice(['pipeline', 'create', 'ab', '--group', GROUP]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /E1000 \(400\)/);
    assert.match(invalid.stderr, /^ {2}\/name: .*\(got "ab"\)$/m);
    assert.equal((await sluice(['pipeline', 'show'])).code, 2, 'a missing argument');
    assert.equal((await sluice(['pipeline', 'frobnicate'])).code, 2, 'an unknown command');
    assert.equal((await sluice(['pipeline', 'list', '--bogus'])).code, 2, 'an unknown option');
    assert.equal((await sluice(['pipeline', 'create', 'abc'])).code, 2, 'neither --group nor --scope');
    assert.equal((await sluice(['pipeline', 'version', 'create', 'vvv', pipelineId, templateId, path.join(work, 'nope.conf')])).code, 2, 'a missing file');
    const unreachable = await sluice(['pipeline', 'list', '--url', 'http://127.0.0.1:9', '--token', 'x']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /cannot reach Sluice at http:\/\/127\.0\.0\.1:9/);
  });

  it('keeps the other nouns working: scheduler, catalogs, egress rules, log levels, completion', async () => {
    const versionId = id(await sluice(['pipeline', 'version', 'list', pipelineId, '--quiet'])).split('\n')[0];
    const scheduler = JSON.parse(ok(await sluice(['pipeline', 'scheduler', 'set', pipelineId, versionId, '--cron', '0 3 * * *', '--json'])));
    assert.deepEqual(scheduler, { timeTriggerOptions: { cronJobExpression: '0 3 * * *', processingType: 'changes' } });
    ok(await sluice(['pipeline', 'scheduler', 'set', pipelineId, versionId, '--none']));
    assert.match(ok(await sluice(['catalog', 'version', 'publish', 'hrn:here:data:::texts', '--quiet'])), /^0\n$/);
    assert.match(ok(await sluice(['catalog', 'version', 'list', 'hrn:here:data:::texts', '--quiet'])), /^0\n$/);
    const ruleId = id(await sluice(['egress-rule', 'create', 'api.example.com', '--description', 'docs', '--quiet']));
    assert.match(ok(await sluice(['egress-rule', 'list'])), /api\.example\.com\s+host\s+docs/);
    ok(await sluice(['egress-rule', 'delete', ruleId]));
    assert.match(ok(await sluice(['egress-rule', 'audit', '--quiet'])), new RegExp(ruleId));
    ok(await sluice(['pipeline', 'version', 'log', 'level', 'set', pipelineId, versionId, '--root', 'debug', '--logger', 'com.example=warn']));
    assert.match(ok(await sluice(['pipeline', 'version', 'log', 'level', 'get', pipelineId, versionId])), /root\s+debug\ncom\.example\s+warn/);
    const bash = ok(await sluice(['completion', 'bash']));
    assert.match(bash, /"pipeline version" \) words=|"pipeline version"\) words="[^"]*\bactivate\b/);
    assert.equal((await sluice(['completion', 'fish'])).code, 2);
  });
});
