import { deleteOldEvents } from '../store/events.js';
import type { Db } from '../store/database.js';
import type { CollectionTask } from './garbage-collector.js';

/** Rows deleted per statement: a backlog is worked off in bounded transactions. */
const BATCH = 1_000;

/** Keeps the event log (and the delivery logs with it) to SLUICE_EVENT_RETENTION_MS. */
export function eventCollection({ db, retentionMs }: { db: Db; retentionMs: number }): CollectionTask {
  return {
    name: 'events',
    async collect(now) {
      const before = new Date(now.getTime() - retentionMs);
      let removed = 0;
      for (let batch = BATCH; batch === BATCH; removed += batch) batch = await deleteOldEvents(db, before, BATCH);
      return removed;
    },
  };
}
