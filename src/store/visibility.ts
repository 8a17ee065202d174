import { sql, type RawBuilder } from 'kysely';
import type { Owner } from '../domain/owner.js';

/**
 * The one visibility rule of the store: a row is the owner's when its realm matches and its
 * `home` is the owner's project (or both have none). `table` qualifies the columns in joins.
 */
export function visibleTo(owner: Owner, table?: 'pipelines'): RawBuilder<boolean> {
  const column = (name: string) => sql.ref(table ? `${table}.${name}` : name);
  return sql<boolean>`${column('realm')} = ${owner.realm} and ${column('home')} is not distinct from ${owner.home}`;
}

/** `visibleTo` for a row already read (the read cache's rows): the same rule, in JS. */
export function isVisibleTo(owner: Owner, row: { realm: string; home: string | null }): boolean {
  return row.realm === owner.realm && row.home === owner.home;
}
