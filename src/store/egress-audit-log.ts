import type { Db } from './database.js';
import type { EgressAuditRow } from './schema.js';

export interface AuditFilter {
  ruleId?: string;
  ruleDestination?: string;
  /** `created` or `deleted`, as the route's schema admits. */
  action?: string;
  principal?: string;
}

/**
 * A realm's egress audit log, oldest first, each filter narrowing it. Ordered by `seq`, the
 * order the entries were written in, rather than by `created`: entries written by one request
 * share a timestamp and clocks of replicas may disagree, while `seq` keeps a create-delete-create
 * of one destination in the order it happened and is served by the (realm, seq) index.
 */
export async function listEgressAudit(db: Db, realm: string, filter: AuditFilter): Promise<EgressAuditRow[]> {
  return db
    .selectFrom('egressAuditLog')
    .selectAll()
    .where('realm', '=', realm)
    .$if(filter.ruleId !== undefined, (q) => q.where('ruleId', '=', filter.ruleId!))
    .$if(filter.ruleDestination !== undefined, (q) => q.where('ruleDestination', '=', filter.ruleDestination!))
    .$if(filter.action !== undefined, (q) => q.where('action', '=', filter.action!))
    .$if(filter.principal !== undefined, (q) => q.where('principal', '=', filter.principal!))
    .orderBy('seq')
    .execute();
}
