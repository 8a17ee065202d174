import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { NewEvent } from '../../src/domain/events.js';
import type { Database } from '../../src/store/database.js';
import { appendEvents, deleteOldEvents, readEvents } from '../../src/store/events.js';
import { insertSubscription } from '../../src/store/webhook-subscriptions.js';
import { STORES } from '../helpers/server.js';
import { insertStreamVersion, migratedStore, STORE_OWNER as OWNER } from '../helpers/store-rows.js';

const DAY = 24 * 3600_000;
const NOW = new Date('2026-06-01T00:00:00Z');

/** appendEvents' fan-out to subscriptions, and the retention rule, in the statements that apply them, on both stores. */
for (const kind of STORES) {
  describe(`event log rules [${kind}]`, () => {
    let opened: Awaited<ReturnType<typeof migratedStore>> | undefined;
    let database: Database;
    let ids: { pipelineId: string; versionId: string };
    const event = (type: NewEvent['type'], time: Date): NewEvent => ({
      id: randomUUID(), type, realm: OWNER.realm, home: null, pipelineId: ids.pipelineId, versionId: ids.versionId, subject: 'operations/x', time, data: {},
    });

    before(async () => {
      opened = await migratedStore(kind, 'event log rules');
      database = opened.database;
      ids = await insertStreamVersion(database.db, NOW);
    });
    after(async () => {
      await opened?.dispose();
    });

    it('queues a delivery for each subscription of the realm that asked for the type, in the same transaction', async () => {
      const sub = await insertSubscription(database.db, {
        id: randomUUID(), realm: OWNER.realm, url: 'http://127.0.0.1/x', types: ['sluice.job.failed'], secret: 'whsec_x', createdBy: 'u', created: NOW,
      });
      await insertSubscription(database.db, {
        id: randomUUID(), realm: 'realm-z', url: 'http://127.0.0.1/y', types: ['sluice.job.failed'], secret: 'whsec_y', createdBy: 'u', created: NOW,
      });
      const old = new Date(NOW.getTime() - 40 * DAY);
      await database.db.transaction().execute((trx) => appendEvents(trx, [event('sluice.job.failed', old), event('sluice.operation.accepted', old)], NOW));
      // Rolled back: neither the event nor its delivery exists.
      await assert.rejects(database.db.transaction().execute(async (trx) => {
        await appendEvents(trx, [event('sluice.job.failed', NOW)], NOW);
        throw new Error('the change failed');
      }));
      const deliveries = await database.db.selectFrom('webhookDeliveries').selectAll().execute();
      assert.equal(deliveries.length, 1);
      assert.equal(deliveries[0].subscriptionId, sub.id);
      assert.equal(deliveries[0].orderingKey, ids.versionId);
      const page = await readEvents(database.db, OWNER, { after: 0, limit: 10 });
      assert.deepEqual(page.events.map((e) => e.type), ['sluice.job.failed', 'sluice.operation.accepted']);
    });

    it('deletes old events, but not one a delivery still waits to send', async () => {
      await database.db.transaction().execute((trx) => appendEvents(trx, [event('sluice.operation.accepted', NOW)], NOW));
      const deleted = await deleteOldEvents(database.db, new Date(NOW.getTime() - 30 * DAY), 100);
      assert.equal(deleted, 1, 'the old event nobody waits for');
      const left = (await readEvents(database.db, OWNER, { after: 0, limit: 10 })).events.map((e) => e.type);
      assert.deepEqual(left, ['sluice.job.failed', 'sluice.operation.accepted']);
      await database.db.updateTable('webhookDeliveries').set({ state: 'delivered' }).execute();
      assert.equal(await deleteOldEvents(database.db, new Date(NOW.getTime() - 30 * DAY), 100), 1);
      assert.equal(await database.db.selectFrom('webhookDeliveries').select('id').execute().then((r) => r.length), 0, 'its delivery log went with it');
    });
  });
}
