import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { deploy, runOperation, waitForJob } from '../helpers/lifecycle.js';
import { jobLog, waitForLog } from '../helpers/stream.js';
import { describeOnStores, REALM } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';
import { jobDataDir } from '../helpers/server.js';

describeOnStores('job logs', (ctx) => {
  it('follows a running job\'s log as it is written, until the job ends; serves ranges and tails of it', async () => {
    const output = path.join(await jobDataDir('sluice-log-'), 'counts.txt');
    const d = await deploy(ctx.api, { example: 'stream-counter', customRuntimeConfiguration: `counter.output=${output}` });
    assert.equal((await runOperation(ctx.api, d.base, 'activate')).state, 'succeeded');
    const job = await waitForJob(ctx.api, d.base, ['running']);
    // Debug: the counter prints a line every 100 ms.
    assert.equal((await ctx.api('PUT', `${d.base}/logging-configuration`, { body: { configuration: { loggers: { root: { level: 'debug' } } } } })).status, 200);
    await waitForLog(ctx.api, job.id, /DEBUG count \d+/);

    const token = await ctx.tokenFor({ realm: REALM });
    const auth = { authorization: `Bearer ${token}` };
    const response = await fetch(`${job.loggingUrl}?follow=true&tail=1`, { headers: auth });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/plain/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let followed = '';
    const arrivals: number[] = [];
    // Lines keep coming while the job runs: counts seen in separate chunks, later ones larger.
    await waitFor(async () => {
      const { value, done } = await reader.read();
      assert.ok(!done, 'the follow ended while the job was running');
      followed += decoder.decode(value, { stream: true });
      arrivals.push(...[...followed.matchAll(/DEBUG count (\d+)/g)].map((m) => Number(m[1])));
      return new Set(arrivals).size >= 5;
    }, { timeoutMs: 30_000, what: 'five counts followed' });
    const counts = [...followed.matchAll(/DEBUG count (\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b));
    assert.ok(!/stream job .* writing to catalog/.test(followed), 'tail=1 started at the last line, not the beginning');

    assert.equal((await runOperation(ctx.api, d.base, 'cancel')).state, 'succeeded');
    // The job ended: the follow sends what is left and ends by itself.
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      followed += decoder.decode(value, { stream: true });
    }
    const full = await jobLog(ctx.api, job.id);
    assert.ok(full.endsWith(followed.slice(-200)), 'the follow ended where the log ends');

    const size = Buffer.byteLength(full);
    const part = await ctx.api('GET', `/sluice/v1/jobs/${job.id}/log`, { headers: { range: 'bytes=0-9' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 0-9/${size}`);
    assert.equal(part.text, Buffer.from(full).subarray(0, 10).toString());
    const last = await ctx.api('GET', `/sluice/v1/jobs/${job.id}/log`, { headers: { range: 'bytes=-5' } });
    assert.equal(last.status, 206);
    assert.equal(last.text, Buffer.from(full).subarray(size - 5).toString());
    const past = await ctx.api('GET', `/sluice/v1/jobs/${job.id}/log`, { headers: { range: `bytes=${size}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${size}`);
    assert.equal(past.body.code, 'E1416');
    const several = await ctx.api('GET', `/sluice/v1/jobs/${job.id}/log`, { headers: { range: 'bytes=0-1,5-6' } });
    assert.equal(several.status, 200, 'a list of ranges is answered with the whole log');
    assert.equal(several.text, full);

    const tail = await ctx.api('GET', `/sluice/v1/jobs/${job.id}/log?tail=3`);
    assert.equal(tail.status, 200);
    assert.equal(tail.text, full.split('\n').slice(-4).join('\n'));
    const both = await ctx.api('GET', `/sluice/v1/jobs/${job.id}/log?tail=3`, { headers: { range: 'bytes=0-1' } });
    assert.equal(both.status, 400);
    const zero = await ctx.api('GET', `/sluice/v1/jobs/${job.id}/log?tail=0`);
    assert.equal(zero.status, 400);
    assert.equal(zero.body.errors[0].field, 'tail');

    const version = (await ctx.api('GET', d.base)).body;
    assert.equal(version.loggingUrl, `${ctx.server.url}/sluice/v1/pipelines/${d.pipelineId}/versions/${d.versionId}/log`);
    assert.equal((await fetch(version.loggingUrl, { headers: auth }).then((r) => r.text())), full);
    assert.equal((await ctx.other('GET', `/sluice/v1/jobs/${job.id}/log`)).status, 404);
    assert.equal((await ctx.other('GET', `/sluice/v1/pipelines/${d.pipelineId}/versions/${d.versionId}/log`)).status, 404);
  });
});
