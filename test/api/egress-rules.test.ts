import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { describeOnStores, OTHER_REALM, REALM } from '../helpers/suite.js';

interface Rule { id: string; created: string; description?: string; destination: string; destinationType: string; realm: string }
interface Entry { created: string; ruleId: string; ruleDestination: string; action: string; principal: string; realm: string }

/** A destination no other test of the file uses: every test shares one store per suite. */
const unique = (label = 'svc') => `${label}-${randomBytes(4).toString('hex')}.example.com`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describeOnStores('egress rules', (ctx) => {
  const create = async (...destinations: string[]): Promise<Rule[]> => {
    const res = await ctx.api('POST', '/v2/egressRules', { body: destinations.map((destination) => ({ destination })) });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const listed = async (request = ctx.api): Promise<string[]> =>
    (await request<Rule[]>('GET', '/v2/egressRules')).body.map((r) => r.destination);
  const audit = async (query = '', request = ctx.api): Promise<Entry[]> => {
    const res = await request<Entry[]>('GET', `/v2/egressRules/auditlog${query}`);
    assert.equal(res.status, 200, res.text);
    return res.body;
  };

  it('creates rules, reads, lists and deletes them', async () => {
    const host = unique('api');
    const res = await ctx.api('POST', '/v2/egressRules', {
      body: [{ destination: '198.51.100.7' }, { destination: `${host.toUpperCase()}.`, description: 'the partner API' }],
    });
    assert.equal(res.status, 201, res.text);
    const [ip, named] = res.body as Rule[];
    assert.deepEqual(Object.keys(named).sort(), ['created', 'description', 'destination', 'destinationType', 'id', 'realm']);
    assert.match(named.id, UUID);
    assert.ok(!Number.isNaN(Date.parse(named.created)));
    assert.deepEqual({ ...named, id: '', created: '' }, {
      id: '', created: '', description: 'the partner API', destination: host, destinationType: 'host', realm: REALM,
    });
    assert.equal(ip.destination, '198.51.100.7');
    assert.equal(ip.destinationType, 'ipAddress');
    assert.equal(ip.description, undefined);

    const byId = await ctx.user('GET', `/v2/egressRules/${named.id}`);
    assert.equal(byId.status, 200);
    assert.deepEqual(byId.body, named);
    const all = (await ctx.user<Rule[]>('GET', '/v2/egressRules')).body;
    assert.deepEqual(all.find((r) => r.id === named.id), named);
    assert.ok(all.some((r) => r.id === ip.id));

    assert.equal((await ctx.api('DELETE', `/v2/egressRules/${named.id}`)).status, 204);
    assert.equal((await ctx.api('GET', `/v2/egressRules/${named.id}`)).status, 404);
    assert.equal((await ctx.api('DELETE', `/v2/egressRules/${named.id}`)).status, 404);
    assert.ok(!(await listed()).includes(host));
    // Deleted, the destination may be allowed again, as a new rule.
    const [again] = await create(host);
    assert.notEqual(again.id, named.id);
  });

  it('answers 404 for an unknown or malformed rule id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', 'hrn:here:egress::realm-a:x']) {
      const res = await ctx.api('GET', `/v2/egressRules/${encodeURIComponent(id)}`);
      assert.equal(res.status, 404, id);
      assert.equal(res.body.code, 'E1404');
      assert.equal((await ctx.api('DELETE', `/v2/egressRules/${encodeURIComponent(id)}`)).status, 404, id);
    }
  });

  it('lets only an OrgAdmin create, delete and read the audit log', async () => {
    const host = unique('guarded');
    const forbidden = await ctx.user('POST', '/v2/egressRules', { body: [{ destination: host }] });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.status, 403);
    assert.equal(forbidden.body.code, 'E1403');
    // The role is checked before the body: no hint about what a valid request would be.
    assert.equal((await ctx.user('POST', '/v2/egressRules', { body: { nope: true } })).status, 403);
    assert.ok(!(await listed()).includes(host));

    const [rule] = await create(host);
    assert.equal((await ctx.user('DELETE', `/v2/egressRules/${rule.id}`)).status, 403);
    assert.equal((await ctx.user('DELETE', '/v2/egressRules/00000000-0000-4000-8000-000000000000')).status, 403);
    assert.equal((await ctx.user('GET', `/v2/egressRules/${rule.id}`)).status, 200);
    assert.equal((await ctx.user('GET', '/v2/egressRules/auditlog')).status, 403);
    assert.equal((await ctx.user('GET', '/v2/egressRules/auditlog?action=bogus')).status, 403);
    assert.ok((await listed(ctx.user)).includes(host));
  });

  it('stores nothing when one destination of the array is invalid', async () => {
    const [first, last] = [unique('first'), unique('last')];
    const res = await ctx.api('POST', '/v2/egressRules', {
      body: [{ destination: first }, { destination: '*.co.uk' }, { destination: last }, { destination: 'exa_mple.com' }],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'E1000');
    assert.deepEqual(res.body.errors.map((e: { field: string }) => e.field), ['/1/destination', '/3/destination']);
    assert.equal(res.body.errors[0].invalidValue, '*.co.uk');
    assert.match(res.body.message, /\*\.co\.uk/);
    const now = await listed();
    assert.ok(!now.includes(first) && !now.includes(last));
    for (const destination of [first, last]) assert.deepEqual(await audit(`?ruleDestination=${destination}`), []);
  });

  it('refuses a destination named twice in one request', async () => {
    const host = unique('twice');
    const res = await ctx.api('POST', '/v2/egressRules', { body: [{ destination: host }, { destination: `${host.toUpperCase()}.` }] });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, '/1/destination');
    assert.ok(!(await listed()).includes(host));
  });

  it('checks the body shape: an array of 1 to 1000 rules, each with a destination', async () => {
    const cases: [unknown, string][] = [
      [{ destination: unique() }, ''],
      [[], ''],
      [[{ description: 'no destination' }], '/0/destination'],
      [[{ destination: 42 }], '/0/destination'],
      [[{ destination: unique(), description: 'd'.repeat(513) }], '/0/description'],
      [Array.from({ length: 1001 }, (_, i) => ({ destination: `h${i}.example.com` })), ''],
    ];
    for (const [body, field] of cases) {
      const res = await ctx.api('POST', '/v2/egressRules', { body });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.errors[0].field, field);
    }
  });

  it('answers 409 naming an existing destination and creates none of the others', async () => {
    const [taken, fresh] = [unique('taken'), unique('fresh')];
    await create(taken);
    const res = await ctx.api('POST', '/v2/egressRules', { body: [{ destination: fresh }, { destination: taken.toUpperCase() }] });
    assert.equal(res.status, 409);
    assert.equal(res.body.status, 409);
    assert.equal(res.body.code, 'E1409');
    assert.match(res.body.message, new RegExp(taken.replace(/\./g, '\\.')));
    assert.deepEqual(res.body.errors.map((e: { field: string }) => e.field), ['/1/destination']);
    assert.equal((await listed()).filter((d) => d === taken).length, 1);
    assert.ok(!(await listed()).includes(fresh));
    assert.deepEqual(await audit(`?ruleDestination=${fresh}`), []);
    assert.equal((await audit(`?ruleDestination=${taken}`)).length, 1);
  });

  it('lets exactly one of two concurrent requests create a destination', async () => {
    for (let round = 0; round < 5; round += 1) {
      const [a, b] = [unique('race-a'), unique('race-b')];
      // Overlapping sets in opposite orders: one must win whole, the other get 409, neither 500.
      const results = await Promise.all([
        ctx.api('POST', '/v2/egressRules', { body: [{ destination: a }, { destination: b }] }),
        ctx.api('POST', '/v2/egressRules', { body: [{ destination: b }, { destination: a }] }),
        ctx.api('POST', '/v2/egressRules', { body: [{ destination: b }] }),
      ]);
      const statuses = results.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
      assert.equal(statuses.filter((s) => s === 409).length, 2, JSON.stringify(statuses));
      const now = await listed();
      assert.equal(now.filter((d) => d === b).length, 1);
      assert.equal((await audit(`?ruleDestination=${b}`)).length, 1);
    }
  });

  it('records every change in the audit log, oldest first, and filters it', async () => {
    const second = ctx.as(await ctx.tokenFor({ realm: REALM, roles: ['OrgAdmin'], subject: 'admin-2' }));
    const [r1, r2] = await create(unique('audit-1'), unique('audit-2'));
    assert.equal((await ctx.api('DELETE', `/v2/egressRules/${r1.id}`)).status, 204);
    const r3 = ((await second('POST', '/v2/egressRules', { body: [{ destination: unique('audit-3') }] })).body as Rule[])[0];

    const mine = new Set([r1.id, r2.id, r3.id]);
    const entries = (await audit()).filter((e) => mine.has(e.ruleId));
    assert.deepEqual(entries.map((e) => [e.ruleId, e.action, e.principal]), [
      [r1.id, 'created', 'user-1'], [r2.id, 'created', 'user-1'], [r1.id, 'deleted', 'user-1'], [r3.id, 'created', 'admin-2'],
    ]);
    const [first] = entries;
    assert.deepEqual(Object.keys(first).sort(), ['action', 'created', 'principal', 'realm', 'ruleDestination', 'ruleId']);
    assert.equal(first.ruleDestination, r1.destination);
    assert.equal(first.realm, REALM);
    assert.equal(first.created, r1.created);

    const pairs = (list: Entry[]) => list.map((e) => [e.ruleId, e.action]);
    assert.deepEqual(pairs(await audit(`?ruleId=${r1.id}`)), [[r1.id, 'created'], [r1.id, 'deleted']]);
    assert.deepEqual(pairs(await audit(`?ruleDestination=${r2.destination.toUpperCase()}`)), [[r2.id, 'created']]);
    const deleted = await audit('?action=deleted');
    assert.ok(deleted.every((e) => e.action === 'deleted') && deleted.some((e) => e.ruleId === r1.id));
    assert.ok(!deleted.some((e) => e.ruleId === r2.id));
    const byAdmin2 = await audit('?principal=admin-2');
    assert.deepEqual(pairs(byAdmin2), [[r3.id, 'created']]);
    assert.deepEqual(pairs(await audit(`?ruleId=${r1.id}&action=created`)), [[r1.id, 'created']]);
    assert.deepEqual(await audit(`?ruleId=${r2.id}&principal=admin-2`), []);

    // Query parameters are named, not pointed at (a pointer would read as a place in a body).
    for (const [query, field] of [['?action=bogus', 'action'], ['?ruleId=nope', 'ruleId']]) {
      const res = await ctx.api('GET', `/v2/egressRules/auditlog${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.errors[0].field, field);
      assert.match(res.body.errors[0].message, new RegExp(`^query parameter ${field} `));
    }
  });

  it('keeps realms apart', async () => {
    const host = unique('mine');
    const [rule] = await create(host);
    assert.equal((await ctx.other('GET', `/v2/egressRules/${rule.id}`)).status, 404);
    assert.equal((await ctx.other('DELETE', `/v2/egressRules/${rule.id}`)).status, 404);
    assert.equal((await ctx.api('GET', `/v2/egressRules/${rule.id}`)).status, 200);
    assert.ok(!(await listed(ctx.other)).includes(host));
    assert.deepEqual(await audit(`?ruleId=${rule.id}`, ctx.other), []);
    assert.ok((await audit('', ctx.other)).every((e) => e.realm === OTHER_REALM));

    // The unique key is per realm: another realm may allow the same destination.
    const theirs = await ctx.other('POST', '/v2/egressRules', { body: [{ destination: host }] });
    assert.equal(theirs.status, 201, theirs.text);
    assert.equal(theirs.body[0].realm, OTHER_REALM);
    assert.ok((await audit('', ctx.other)).some((e) => e.ruleId === theirs.body[0].id && e.principal === 'user-9'));
    assert.ok(!(await audit('')).some((e) => e.ruleId === theirs.body[0].id));
  });

  it('shows a project-scoped token the realm-wide list', async () => {
    const [rule] = await create(unique('realm-wide'));
    const scoped = ctx.as(await ctx.tokenFor({ realm: REALM, scope: 'hrn:here:authorization::realm-a:project/etl' }));
    assert.ok((await listed(scoped)).includes(rule.destination));
    assert.equal((await scoped('GET', `/v2/egressRules/${rule.id}`)).status, 200);
  });

  it('lists runtime environments and resource profiles to any user', async () => {
    const runtimes = await ctx.user('GET', '/v2/runtimeEnvironments');
    assert.equal(runtimes.status, 200);
    assert.deepEqual(Object.keys(runtimes.body), ['availableRuntimes']);
    const ids: string[] = runtimes.body.availableRuntimes.map((r: { id: string }) => r.id);
    assert.ok(ids.includes('stream-5.0'), ids.join());
    assert.ok(ids.some((id) => /^batch-\d+\.\d+\.\d+$/.test(id)), ids.join());

    const profiles = await ctx.user('GET', '/v2/resourceProfiles');
    assert.equal(profiles.status, 200);
    assert.deepEqual(Object.keys(profiles.body), ['availableResourceProfiles']);
    const profileIds = new Set<string>();
    for (const p of profiles.body.availableResourceProfiles) {
      assert.deepEqual(Object.keys(p).sort(), ['cpuPerUnit', 'diskInGiBPerUnit', 'id', 'label', 'memoryInGiBPerUnit', 'name']);
      for (const key of ['cpuPerUnit', 'memoryInGiBPerUnit', 'diskInGiBPerUnit']) assert.equal(typeof p[key], 'number');
      profileIds.add(p.id);
    }
    for (const r of runtimes.body.availableRuntimes) {
      for (const key of ['displayName', 'description', 'defaultGcProfile']) assert.equal(typeof r[key], 'string', key);
      for (const key of ['maxWorkerUnits', 'maxSupervisorUnits', 'maxAdditionalOverheadMemory']) assert.equal(typeof r[key], 'number', key);
      assert.ok(r.availableResourceProfileIds.every((id: string) => profileIds.has(id)), r.id);
      assert.ok(profileIds.has(r.defaultWorkerResourceProfileId) && profileIds.has(r.defaultSupervisorResourceProfileId));
      assert.ok(r.availableGcProfiles.some((g: { id: string }) => g.id === r.defaultGcProfile));
    }
    assert.ok(runtimes.body.availableRuntimes.some((r: { deprecationPeriodEnd?: string }) => r.deprecationPeriodEnd));
  });

  it('answers 401 without a token', async () => {
    const anonymous = ctx.as(null);
    const id = '00000000-0000-4000-8000-000000000000';
    const calls: [string, string, unknown?][] = [
      ['GET', '/v2/egressRules'], ['POST', '/v2/egressRules', [{ destination: 'x.example.com' }]],
      ['GET', `/v2/egressRules/${id}`], ['DELETE', `/v2/egressRules/${id}`], ['GET', '/v2/egressRules/auditlog'],
      ['GET', '/v2/runtimeEnvironments'], ['GET', '/v2/resourceProfiles'],
    ];
    for (const [method, path, body] of calls) {
      const res = await anonymous(method, path, body === undefined ? {} : { body });
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(res.body.code, 'E1401');
    }
  });
});
