import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { serializeError } from '../../src/store/database-errors.js';
import { sql } from 'kysely';
import { migratedStore } from '../helpers/store-rows.js';
import { STORES } from '../helpers/server.js';

const SECRET_VALUE = `user-data-${'v'.repeat(5000)}`;

for (const kind of STORES) {
  describe(`database error log lines [${kind}]`, () => {
    let opened: Awaited<ReturnType<typeof migratedStore>>;
    before(async () => { opened = await migratedStore(kind, 'db-error-logs'); });
    after(async () => { await opened?.dispose(); });

    /**
     * A statement that fails on both stores with a large bound value: a row missing its required
     * columns (23502), whose `detail` is "Failing row contains (…)" with the values, as PGlite's
     * `params` are.
     */
    async function failedInsert(): Promise<Error> {
      try {
        await sql`insert into pipelines (id, name, description) values (${randomUUID()}, ${SECRET_VALUE}, ${SECRET_VALUE})`.execute(opened.database.db);
      } catch (error) {
        return error as Error;
      }
      throw new Error('the duplicate insert did not fail');
    }

    it('would leak the values with the logger\'s default serializer (what this replaces)', async () => {
      const error = await failedInsert();
      const everything = JSON.stringify({ ...error, message: error.message });
      assert.match(everything, /user-data-/);
    });

    it('names the statement and keeps the SQLSTATE, never a bound value', async () => {
      const error = await failedInsert();
      const line = JSON.stringify(serializeError(error));
      assert.doesNotMatch(line, /user-data-/, line.slice(0, 2000));
      const logged = JSON.parse(line);
      assert.equal(logged.type, 'DatabaseError');
      assert.equal(logged.code, '23502');
      assert.equal(logged.statement, 'insert pipelines');
      assert.equal(logged.table, 'pipelines');
      assert.ok(line.length < 4000, `${line.length} characters`);
    });
  });
}
