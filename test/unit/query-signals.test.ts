import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CamelCasePlugin, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { queryLabels } from '../../src/store/query-signals.js';
import type { Tables } from '../../src/store/schema.js';

const db = new Kysely<Tables>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
  plugins: [new CamelCasePlugin()],
});

describe('queryLabels', () => {
  it('names the statement kind and main table from the query tree', () => {
    assert.deepEqual(queryLabels(db.selectFrom('pipelineVersions').selectAll().compile()), { statement: 'select', table: 'pipeline_versions' });
    assert.deepEqual(queryLabels(db.insertInto('jobs').values({} as never).compile()), { statement: 'insert', table: 'jobs' });
    assert.deepEqual(queryLabels(db.updateTable('operations as o').set({ state: 'x' }).compile()), { statement: 'update', table: 'operations' });
    assert.deepEqual(queryLabels(db.deleteFrom('snapshots').compile()), { statement: 'delete', table: 'snapshots' });
  });
  it('reads raw SQL\'s first keyword and first table, and folds anything unknown into other', () => {
    assert.deepEqual(queryLabels(sql`select 1`.compile(db)), { statement: 'select', table: 'other' });
    assert.deepEqual(queryLabels(sql`delete from trigger_decisions d where d.seq < 3`.compile(db)), { statement: 'delete', table: 'trigger_decisions' });
    assert.deepEqual(queryLabels(sql`with x as (select 1) update webhook_deliveries set state = 'a'`.compile(db)), { statement: 'other', table: 'webhook_deliveries' });
    assert.deepEqual(queryLabels(sql`select * from pg_catalog.pg_tables`.compile(db)), { statement: 'select', table: 'other' });
    assert.deepEqual(queryLabels(sql`create table secret_of_${sql.raw('x')} (a int)`.compile(db)), { statement: 'other', table: 'other' });
  });
});
