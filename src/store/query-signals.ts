import type { CompiledQuery, LogEvent } from 'kysely';
import { signals } from '../telemetry/signals.js';
import { tableName, type Node } from './write-watch.js';

/**
 * The tables a statement may be labelled with (SQL names). Anything else, a catalog table or a
 * CTE name, is `other`: a label value never comes from free text.
 */
const TABLES = new Set([
  'packages', 'pipeline_templates', 'pipelines', 'pipeline_versions', 'operations', 'jobs', 'snapshots',
  'catalog_versions', 'trigger_decisions', 'egress_rules', 'egress_audit_log',
  'events', 'webhook_subscriptions', 'webhook_deliveries', 'webhook_attempts',
  'version_state_counts', 'version_state_deltas', 'freshness_watches',
]);

const KIND_OF_NODE: Record<string, string> = {
  SelectQueryNode: 'select', InsertQueryNode: 'insert', UpdateQueryNode: 'update', DeleteQueryNode: 'delete',
};

const known = (name: string | undefined) => (name && TABLES.has(name) ? name : 'other');

/** Statement kind and main table of a compiled query, both from bounded sets. */
export function queryLabels(compiled: CompiledQuery): { statement: string; table: string } {
  const node = compiled.query as Node;
  const statement = KIND_OF_NODE[node.kind];
  if (statement === 'select') return { statement, table: known(tableName(node.from?.froms?.[0])) };
  if (statement === 'insert') return { statement, table: known(tableName(node.into)) };
  if (statement === 'update') return { statement, table: known(tableName(node.table)) };
  if (statement === 'delete') return { statement, table: known(tableName(node.from?.froms?.[0])) };
  // Raw SQL (the scheduler's batch statements, migrations): its first keyword and first table named.
  const keyword = /^\s*(select|insert|update|delete|with)\b/i.exec(compiled.sql)?.[1]?.toLowerCase();
  const table = /\b(?:from|into|update)\s+([a-z_]+)/i.exec(compiled.sql)?.[1]?.toLowerCase();
  return { statement: keyword && keyword !== 'with' ? keyword : 'other', table: known(table) };
}

/** Kysely's log hook: each statement's labels and duration, to whoever listens (metrics). */
export function signalQuery(event: LogEvent): void {
  if (!signals.heard('store.query')) return;
  signals.emit('store.query', { ...queryLabels(event.query), durationMs: event.queryDurationMillis, failed: event.level === 'error' });
}
