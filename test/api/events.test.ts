import assert from 'node:assert/strict';
import { it } from 'node:test';
import { allEvents, makeOperationEvents, scheduledVersion } from '../helpers/events.js';
import { deploy, waitForVersionState } from '../helpers/lifecycle.js';
import { describeOnStores, REALM } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

describeOnStores('event log', (ctx) => {
  it('writes an accepted operation as a CloudEvent, readable page by page from a cursor, in the realm only', async () => {
    assert.equal((await ctx.as(null)('GET', '/sluice/v1/events')).status, 401);
    const version = await scheduledVersion(ctx.api, 'evented');
    await makeOperationEvents(ctx.api, version, 3);
    // A refused operation (already scheduled) is no event.
    assert.equal((await ctx.api('POST', `${version.base}/operations/activate`)).status, 400);

    const events = (await allEvents(ctx.api, '&types=sluice.operation.accepted')).filter((e) => e.partitionkey === version.versionId);
    assert.deepEqual(events.map((e) => e.data.requestType), ['activate', 'pause', 'resume']);
    const [first] = events;
    assert.equal(first.specversion, '1.0');
    assert.equal(first.type, 'sluice.operation.accepted');
    assert.equal(first.source, `/v2/pipelines/${version.pipelineId}/versions/${version.versionId}`);
    assert.match(first.subject, /^operations\/[0-9a-f-]{36}$/);
    assert.equal(first.datacontenttype, 'application/json');
    assert.equal(first.data.state, 'accepted');
    assert.equal(first.data.userId, 'user-1');
    const ops = (await ctx.api('GET', `${version.base}/operations`)).body;
    assert.ok(ops.some((o: { id: string }) => `operations/${o.id}` === first.subject));

    // One at a time, resuming from each `next`: the same events, in the same order.
    const paged: string[] = [];
    let since = '0';
    for (;;) {
      const page = await ctx.api('GET', `/sluice/v1/events?since=${since}&limit=1&types=sluice.operation.accepted`);
      assert.equal(page.status, 200);
      if (page.body.events.length === 0) {
        assert.equal(page.body.next, since, 'an empty page keeps the cursor');
        break;
      }
      assert.equal(page.body.next, page.body.events[0].sequence);
      paged.push(page.body.events[0].id);
      since = page.body.next;
    }
    assert.deepEqual(paged.filter((id) => events.some((e) => e.id === id)), events.map((e) => e.id));

    assert.equal((await allEvents(ctx.other)).filter((e) => e.partitionkey === version.versionId).length, 0, 'another realm reads none');
    const scoped = ctx.as(await ctx.tokenFor({ realm: REALM, scope: 'hrn:here:authorization::realm-a:project/p-1' }));
    assert.equal((await allEvents(scoped)).length, 0, 'a project-scoped token reads only its project\'s events');
  });

  it('writes a trigger decision that differs from the previous one as an event', async () => {
    const d = await deploy(ctx.api, { example: 'batch-word-count', name: 'decided', schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' } });
    const activate = await ctx.api('POST', `${d.base}/operations/activate`);
    assert.equal(activate.status, 202);
    await waitForVersionState(ctx.api, d.base, 'scheduled');
    const skipped = await waitFor(async () => (await allEvents(ctx.api, '&types=sluice.trigger.skipped')).find((e) => e.partitionkey === d.versionId),
      { what: 'a skip event' });
    assert.equal(skipped.data.decision, 'skipped');
    assert.equal(skipped.data.trigger, 'activated');
    assert.match(skipped.subject, /^trigger-decisions\/\d+$/);
    const decisions = (await ctx.api('GET', `/sluice/v1/pipelines/${d.pipelineId}/versions/${d.versionId}/trigger-decisions`)).body;
    assert.equal(decisions[0].reason, skipped.data.reason);
  });

  it('answers a bad cursor, limit or type with the field at fault', async () => {
    for (const [query, field] of [['since=abc', 'since'], ['limit=0', 'limit'], ['limit=5000', 'limit'], ['types=sluice.nope', 'types']]) {
      const res = await ctx.api('GET', `/sluice/v1/events?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.errors[0].field, field, query);
      assert.match(res.body.errors[0].message, new RegExp(`^query parameter ${field}\\b`), query);
    }
  });
});
