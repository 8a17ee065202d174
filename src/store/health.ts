import { sql } from 'kysely';
import type { CheckOutcome } from '../telemetry/readiness.js';
import type { Db } from './database.js';

/** The database answers a trivial statement. */
export async function databaseAnswers(db: Db): Promise<CheckOutcome> {
  await sql`select 1`.execute(db);
  return { ok: true };
}
