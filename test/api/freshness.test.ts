import assert from 'node:assert/strict';
import { it } from 'node:test';
import { allEvents } from '../helpers/events.js';
import { deploy, runOperation } from '../helpers/lifecycle.js';
import { countOf, scrape, valueOf } from '../helpers/metrics.js';
import { describeOnStores } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

const OUTPUT = encodeURIComponent('hrn:here:data:::output-catalog');
const CRON_NEVER = { cronJobExpression: '0 0 1 1 *', processingType: 'force' };

describeOnStores('freshness deadlines', (ctx) => {
  it('refuses a deadline without a trigger, or one that is not a duration, with the field at fault', async () => {
    const d = await deploy(ctx.api, { example: 'batch-word-count', name: 'refused' });
    for (const [config, field] of [
      [{ freshnessOptions: { maxAge: 'PT6H' } }, '/freshnessOptions'],
      [{ timeTriggerOptions: CRON_NEVER, freshnessOptions: { maxAge: '6 hours' } }, '/freshnessOptions/maxAge'],
      [{ timeTriggerOptions: CRON_NEVER, freshnessOptions: { maxAge: 'PT10S' } }, '/freshnessOptions/maxAge'],
    ] as const) {
      const res = await ctx.api('PUT', `${d.base}/scheduler-configuration`, { body: config });
      assert.equal(res.status, 400, JSON.stringify(config));
      assert.equal(res.body.errors[0].field, field, JSON.stringify(config));
    }
    const accepted = await ctx.api('PUT', `${d.base}/scheduler-configuration`, { body: { catalogTriggerOptions: 'version_resolver', freshnessOptions: { maxAge: 'P1D' } } });
    assert.equal(accepted.status, 200, accepted.text);
    assert.deepEqual(accepted.body.freshnessOptions, { maxAge: 'P1D' });
  });

  it('raises sluice.freshness.missed once when the output catalog gets no version in time, and .met when it does', async () => {
    const d = await deploy(ctx.api, {
      example: 'batch-word-count', name: 'fresh',
      schedulerConfiguration: { timeTriggerOptions: CRON_NEVER, freshnessOptions: { maxAge: 'PT2H' } },
    });
    assert.deepEqual((await ctx.api('GET', `${d.base}/scheduler-configuration`)).body.freshnessOptions, { maxAge: 'PT2H' });
    const first = await ctx.api('POST', `/sluice/v1/catalogs/${OUTPUT}/versions`);
    assert.equal(first.status, 201);
    assert.equal((await runOperation(ctx.api, d.base, 'activate')).state, 'succeeded');
    const looks = async () => countOf(await scrape(ctx.api), 'sluice_freshness_check_duration_seconds');
    const ofVersion = async (type: string) => (await allEvents(ctx.api, `&types=${type}`)).filter((e) => e.partitionkey === d.versionId);
    // The watch starts at the first look after activation, at the version published before it.
    const activated = await looks();
    await waitFor(async () => await looks() > activated + 1, { what: 'two looks after activation' });
    const start = new Date((await ctx.api('POST', '/sluice/v1/clock', { body: { now: new Date().toISOString() } })).body.now);

    await ctx.api('POST', '/sluice/v1/clock', { body: { now: new Date(start.getTime() + 3600_000).toISOString() } });
    // Within the deadline: a look happens (poll interval) and raises nothing.
    const before = await looks();
    await waitFor(async () => await looks() > before + 1, { what: 'two more looks' });
    assert.deepEqual(await ofVersion('sluice.freshness.missed'), []);

    await ctx.api('POST', '/sluice/v1/clock', { body: { now: new Date(start.getTime() + 2 * 3600_000 + 60_000).toISOString() } });
    const [missed] = await waitFor(async () => { const e = await ofVersion('sluice.freshness.missed'); return e.length > 0 ? e : undefined; }, { what: 'a missed event' });
    assert.equal(missed.subject, 'freshness');
    assert.equal(missed.data.outputCatalogHrn, 'hrn:here:data:::output-catalog');
    assert.equal(missed.data.maxAge, 'PT2H');
    assert.equal(missed.data.outputCatalogVersion, first.body.version);
    await waitFor(async () => valueOf(await scrape(ctx.api), 'sluice_freshness_missed_versions') === 1, { what: 'the missed gauge at 1' });
    // Raised once: later looks while still late add nothing.
    await ctx.api('POST', '/sluice/v1/clock', { body: { now: new Date(start.getTime() + 5 * 3600_000).toISOString() } });
    const again = await looks();
    await waitFor(async () => await looks() > again + 1, { what: 'two more looks' });
    assert.equal((await ofVersion('sluice.freshness.missed')).length, 1);

    // A new output version clears it (the registry announces it: no poll needed).
    const second = await ctx.api('POST', `/sluice/v1/catalogs/${OUTPUT}/versions`);
    assert.equal(second.status, 201);
    const [met] = await waitFor(async () => { const e = await ofVersion('sluice.freshness.met'); return e.length > 0 ? e : undefined; }, { what: 'a met event' });
    assert.equal(met.data.outputCatalogVersion, second.body.version);
    assert.ok(Number(met.sequence) > Number(missed.sequence));
    await waitFor(async () => valueOf(await scrape(ctx.api), 'sluice_freshness_missed_versions') === 0, { what: 'the missed gauge at 0' });

    // Paused, the version is not watched: no miss however long it waits.
    assert.equal((await runOperation(ctx.api, d.base, 'pause')).state, 'succeeded');
    await ctx.api('POST', '/sluice/v1/clock', { body: { now: new Date(start.getTime() + 20 * 3600_000).toISOString() } });
    const paused = await looks();
    await waitFor(async () => await looks() > paused + 1, { what: 'two more looks' });
    assert.equal((await ofVersion('sluice.freshness.missed')).length, 1);
  });
}, { env: { SLUICE_CATALOG_POLL_MS: '300', SLUICE_CLOCK: 'manual' } });
