import { sql } from 'kysely';
import type { Db } from './database.js';

/** Stores a job's files under the hash of their token, good until `expires`. */
export async function putJobFiles(db: Db, row: { tokenHash: string; jobId: string; files: Record<string, string>; expires: Date }): Promise<void> {
  await db.insertInto('jobFiles')
    .values({ tokenHash: row.tokenHash, jobId: row.jobId, files: JSON.stringify(row.files), expires: row.expires })
    .onConflict((oc) => oc.column('tokenHash').doNothing())
    .execute();
}

/** One file behind a token, or null when the token is unknown, expired, or has no such file. */
export async function readJobFile(db: Db, tokenHash: string, name: string, now: Date): Promise<string | null> {
  const row = await db.selectFrom('jobFiles')
    .select(sql<string | null>`files ->> ${name}`.as('content'))
    .where('tokenHash', '=', tokenHash)
    .where('expires', '>', now)
    .executeTakeFirst();
  return row?.content ?? null;
}

/** Removes a job's files once its start no longer needs them, and any expired ones with them. */
export async function removeJobFiles(db: Db, jobId: string, now: Date): Promise<void> {
  await db.deleteFrom('jobFiles').where((eb) => eb.or([eb('jobId', '=', jobId), eb('expires', '<=', now)])).execute();
}
