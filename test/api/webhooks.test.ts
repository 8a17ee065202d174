import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { allEvents, makeOperationEvents, scheduledVersion } from '../helpers/events.js';
import { describeOnStores } from '../helpers/suite.js';
import { startReceiver, type Receiver, type Received } from '../helpers/webhook-receiver.js';
import { waitFor } from '../helpers/wait.js';

const env = {
  SLUICE_WEBHOOK_BACKOFF_BASE_MS: '100',
  SLUICE_WEBHOOK_BACKOFF_MAX_MS: '300',
  SLUICE_WEBHOOK_TIMEOUT_MS: '1500',
  SLUICE_WEBHOOK_POLL_MS: '100',
  // Long enough that no delivery of the live endpoint is given up on a loaded machine.
  SLUICE_WEBHOOK_RETRY_WINDOW_MS: '300000',
  SLUICE_WEBHOOK_PER_SUBSCRIPTION: '2',
};

/** Requests the receiver answered 2xx, verified (signature) and parsed (CloudEvents), in the order answered. */
function accepted(receiver: Receiver, secret: string) {
  const verifier = new Webhook(secret);
  return receiver.received
    .filter((r): r is Received & { answered: number } => typeof r.answered === 'number' && r.answered < 300)
    .map((r) => {
      verifier.verify(r.body, r.headers);
      const event = HTTP.toEvent({ headers: r.headers, body: r.body }) as any;
      return { event, headers: r.headers };
    });
}

describeOnStores('webhooks', (ctx) => {
  let hooked: Receiver;

  it('subscribes only OrgAdmins, only to known types, only to hosts an egress rule allows', async () => {
    hooked = await startReceiver();
    const body = { url: hooked.url, types: ['sluice.operation.accepted'] };
    assert.equal((await ctx.user('POST', '/sluice/v1/webhooks', { body })).status, 403);
    const noRule = await ctx.api('POST', '/sluice/v1/webhooks', { body });
    assert.equal(noRule.status, 400, noRule.text);
    assert.equal(noRule.body.errors[0].field, '/url');
    assert.match(noRule.body.errors[0].message, /no egress rule of the realm allows 127\.0\.0\.1/);
    assert.equal((await ctx.api('POST', '/v2/egressRules', { body: [{ destination: '127.0.0.1' }] })).status, 201);
    const badType = await ctx.api('POST', '/sluice/v1/webhooks', { body: { ...body, types: ['sluice.nothing'] } });
    assert.equal(badType.status, 400);
    assert.equal(badType.body.errors[0].field, '/types/0');
    const withCredentials = await ctx.api('POST', '/sluice/v1/webhooks', { body: { ...body, url: 'http://u:p@127.0.0.1/x' } });
    assert.equal(withCredentials.status, 400);
    assert.equal((await ctx.api('GET', '/sluice/v1/webhooks')).body.length, 0, 'a refused subscription stored nothing');

    const created = await ctx.api('POST', '/sluice/v1/webhooks', { body });
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await ctx.api('GET', '/sluice/v1/webhooks');
    assert.equal(listed.body.length, 1);
    assert.equal(listed.body[0].secret, undefined, 'the secret is shown only once');
    assert.equal((await ctx.other('GET', `/sluice/v1/webhooks/${created.body.id}`)).status, 404, 'another realm does not see it');
    assert.equal((await ctx.api('DELETE', `/sluice/v1/webhooks/${created.body.id}`)).status, 204);
    assert.equal((await ctx.api('GET', `/sluice/v1/webhooks/${created.body.id}`)).status, 404);
  });

  it('delivers every event signed, in order per version, through failures and timeouts, while a dead endpoint waits', async () => {
    // The first requests fail (500), the fourth hangs past the timeout, then every third fails.
    hooked.setBehaviour(({ count }) => (count <= 3 ? 500 : count === 4 ? 'hang' : count % 3 === 0 ? 503 : 204));
    const types = ['sluice.operation.accepted'];
    const live = await ctx.api('POST', '/sluice/v1/webhooks', { body: { url: hooked.url, types } });
    // A port nobody listens on: every attempt is refused.
    const dead = await ctx.api('POST', '/sluice/v1/webhooks', { body: { url: 'http://127.0.0.1:9/nowhere', types } });
    assert.equal(dead.status, 201, dead.text);
    const versions = await Promise.all([scheduledVersion(ctx.api, 'hooked-a'), scheduledVersion(ctx.api, 'hooked-b')]);
    await Promise.all(versions.map((v) => makeOperationEvents(ctx.api, v, 5)));
    const written = (await allEvents(ctx.api, '&types=sluice.operation.accepted'))
      .filter((e) => versions.some((v) => e.partitionkey === v.versionId));
    assert.equal(written.length, 10);

    const got = await waitFor(async () => {
      const ok = accepted(hooked, live.body.secret);
      const ids = new Set(ok.map((d) => d.event.id));
      return written.every((e) => ids.has(e.id)) ? ok : undefined;
    }, { timeoutMs: 30_000, what: 'every event delivered' });
    // Order per version: the receiver accepted each version's events in sequence order.
    for (const version of versions) {
      const sequences = got.filter((d) => d.event.partitionkey === version.versionId).map((d) => Number(d.event.sequence));
      const firsts = sequences.filter((s, i) => sequences.indexOf(s) === i);
      assert.deepEqual(firsts, [...firsts].sort((a, b) => a - b), `version ${version.versionId} out of order: ${sequences}`);
    }
    for (const { headers, event } of got) {
      assert.equal(headers['webhook-id'], event.id);
      assert.match(headers['content-type'], /^application\/cloudevents\+json/);
      assert.equal(event.specversion, '1.0');
      assert.equal(event.type, 'sluice.operation.accepted');
      assert.equal(event.source, `/v2/pipelines/${event.data.pipelineId}/versions/${event.data.pipelineVersionId}`);
    }
    // A tampered body fails the same check the receivers make.
    const sample = hooked.received.find((r) => r.answered === 204)!;
    assert.throws(() => new Webhook(live.body.secret).verify(sample.body.replace('accepted', 'rejected'), sample.headers));

    const log = await ctx.api('GET', `/sluice/v1/webhooks/${live.body.id}/deliveries?limit=100`);
    assert.equal(log.status, 200, log.text);
    const retried = log.body.filter((d: any) => d.attempts > 1);
    assert.ok(retried.length > 0, 'some deliveries needed more than one attempt');
    const detail = await ctx.api('GET', `/sluice/v1/webhooks/${live.body.id}/deliveries/${retried[retried.length - 1].id}`);
    assert.ok(detail.body.attemptLog.some((a: any) => a.status === 500 || a.status === 503 || /no answer within 1500 ms/.test(a.error ?? '')), JSON.stringify(detail.body));
    const delivered = log.body.find((d: any) => d.state === 'delivered');
    assert.equal((await ctx.api('POST', `/sluice/v1/webhooks/${live.body.id}/deliveries/${delivered.id}/redeliver`)).status, 400, 'only a dead delivery is redelivered');

    // Meanwhile the dead endpoint's deliveries were tried and are waiting for their next attempt.
    // (Waited for: the live endpoint's deliveries may all be done before the dead one's first try.)
    await waitFor(async () => {
      const waiting = (await ctx.api('GET', `/sluice/v1/webhooks/${dead.body.id}/deliveries?state=pending`)).body;
      return waiting.some((d: any) => d.attempts >= 1 && /ECONNREFUSED|fetch failed/.test(d.lastError));
    }, { timeoutMs: 30_000, what: 'the dead endpoint\'s deliveries tried and waiting' });
    await ctx.api('DELETE', `/sluice/v1/webhooks/${dead.body.id}`);
    await ctx.api('DELETE', `/sluice/v1/webhooks/${live.body.id}`);
  });

  it('loses no delivery when the service is killed (SIGKILL) in the middle of one', async () => {
    const receiver = await startReceiver(() => 'hang');
    try {
      const created = await ctx.api('POST', '/sluice/v1/webhooks', { body: { url: receiver.url, types: ['sluice.operation.accepted'] } });
      const version = await scheduledVersion(ctx.api, 'killed');
      await makeOperationEvents(ctx.api, version, 3);
      // The subscribed type only: the engine writes more events of the version (operation succeeded, state changed).
      const written = (await allEvents(ctx.api)).filter((e) => e.partitionkey === version.versionId && e.type === 'sluice.operation.accepted');
      assert.equal(written.length, 3);
      await waitFor(async () => receiver.hanging() > 0, { what: 'a delivery in flight' });
      await ctx.stop('SIGKILL');
      receiver.release();
      receiver.setBehaviour(() => 200);
      await ctx.start();
      const got = await waitFor(async () => {
        const ok = accepted(receiver, created.body.secret);
        return written.every((e) => ok.some((d) => d.event.id === e.id)) ? ok : undefined;
      }, { timeoutMs: 30_000, what: 'every event delivered after the restart' });
      const firsts = got.map((d) => Number(d.event.sequence)).filter((s, i, all) => all.indexOf(s) === i);
      assert.deepEqual(firsts, written.map((e) => Number(e.sequence)));
    } finally {
      await receiver.close();
    }
  });

  it('closes the first receiver', async () => {
    await hooked.close();
  });
}, { env });

describeOnStores('webhook dead letters', (ctx) => {
  it('gives a delivery up once it has failed for the retry window, lists it as dead, and redelivers it on request', async () => {
    assert.equal((await ctx.api('POST', '/v2/egressRules', { body: [{ destination: '127.0.0.1' }] })).status, 201);
    // A port nobody listens on (any more): every attempt is refused.
    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    const dead = await ctx.api('POST', '/sluice/v1/webhooks', { body: { url, types: ['sluice.operation.accepted'] } });
    assert.equal(dead.status, 201, dead.text);
    await makeOperationEvents(ctx.api, await scheduledVersion(ctx.api, 'dead-lettered'), 2);
    const letters = await waitFor(async () => {
      const rows = (await ctx.api('GET', `/sluice/v1/webhooks/${dead.body.id}/deliveries?state=dead`)).body;
      return rows.length === 2 ? rows : undefined;
    }, { timeoutMs: 30_000, what: 'two dead letters' });
    assert.match(letters[0].lastError, /ECONNREFUSED/);
    // Retried until the window ran out (one that waited behind the other for most of the window
    // may have had a single attempt).
    assert.ok(letters.some((d: any) => d.attempts >= 2), JSON.stringify(letters));
    const detail = await ctx.api('GET', `/sluice/v1/webhooks/${dead.body.id}/deliveries/${letters[0].id}`);
    assert.equal(detail.body.attemptLog.length, detail.body.attempts);
    const again = await ctx.api('POST', `/sluice/v1/webhooks/${dead.body.id}/deliveries/${letters[0].id}/redeliver`);
    assert.equal(again.status, 202, again.text);
    // The deliverer may already have claimed it again.
    assert.ok(['pending', 'delivering'].includes(again.body.state), again.body.state);
    const notDead = await ctx.api('POST', `/sluice/v1/webhooks/${dead.body.id}/deliveries/${randomUUID()}/redeliver`);
    assert.equal(notDead.status, 404);
  });
}, { env: { ...env, SLUICE_WEBHOOK_RETRY_WINDOW_MS: '1500' } });
