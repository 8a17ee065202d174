import type { Db } from '../store/database.js';
import { foldVersionStateDeltas } from '../store/metric-counts.js';
import type { CollectionTask } from './garbage-collector.js';

/**
 * Folds the versions' state changes into their counts (migration 0016). Each /metrics scrape
 * folds too; this keeps the appended changes bounded on a service nobody scrapes.
 */
export function versionCountFold({ db }: { db: Db }): CollectionTask {
  return {
    name: 'version state counts',
    async collect() {
      await foldVersionStateDeltas(db);
      return 0;
    },
  };
}
