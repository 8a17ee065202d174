import { sql } from 'kysely';
import type { Db } from './database.js';

/**
 * The local catalog registry: versions of catalogs published through Sluice itself, so the
 * embedded default triggers pipelines offline. Versions count from 0; −1 means none yet.
 */
export async function publishCatalogVersion(db: Db, realm: string, catalogHrn: string, by: string, at: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Serialises publishers of one catalog (an advisory lock keyed by realm and HRN; a hash collision only makes two catalogs wait for each other).
    await sql`select pg_advisory_xact_lock(hashtext(${realm + ' ' + catalogHrn}))`.execute(trx);
    const { latest } = await trx
      .selectFrom('catalogVersions')
      .select((eb) => eb.fn.max<number | null>('version').as('latest'))
      .where('realm', '=', realm)
      .where('catalogHrn', '=', catalogHrn)
      .executeTakeFirstOrThrow();
    const version = latest === null ? 0 : Number(latest) + 1;
    await trx.insertInto('catalogVersions').values({ realm, catalogHrn, version, published: at, publishedBy: by }).execute();
    return version;
  });
}

export async function listCatalogVersions(db: Db, realm: string, catalogHrn: string, limit: number) {
  return db
    .selectFrom('catalogVersions')
    .select(['version', 'published', 'publishedBy'])
    .where('realm', '=', realm)
    .where('catalogHrn', '=', catalogHrn)
    .orderBy('version', 'desc')
    .limit(limit)
    .execute();
}

/** Latest version of each catalog (absent from the map when it has none). */
export async function latestCatalogVersions(db: Db, realm: string, catalogHrns: string[]): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  if (catalogHrns.length === 0) return latest;
  const rows = await db
    .selectFrom('catalogVersions')
    .select(['catalogHrn', (eb) => eb.fn.max<number>('version').as('latest')])
    .where('realm', '=', realm)
    .where('catalogHrn', 'in', catalogHrns)
    .groupBy('catalogHrn')
    .execute();
  for (const row of rows) latest.set(row.catalogHrn, Number(row.latest));
  return latest;
}
