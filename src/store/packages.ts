import type { Db } from './database.js';
import type { PackageRow } from './schema.js';

export interface NewPackage {
  id: string;
  realm: string;
  fileName: string;
  mainClass?: string;
  entryPoints: string[];
  classNames: string[];
  sizeBytes: number;
  sha256?: string;
  storagePath: string;
  createdBy: string;
  created: Date;
}

export async function insertPackage(db: Db, pkg: NewPackage): Promise<PackageRow> {
  return db
    .insertInto('packages')
    .values({
      ...pkg,
      mainClass: pkg.mainClass ?? null,
      entryPoints: JSON.stringify(pkg.entryPoints),
      classNames: JSON.stringify(pkg.classNames),
      sha256: pkg.sha256 ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The realm's packages, oldest first; with `sha256`, only those with that content. */
export async function listPackages(db: Db, realm: string, sha256?: string): Promise<PackageRow[]> {
  let query = db.selectFrom('packages').selectAll().where('realm', '=', realm);
  if (sha256) query = query.where('sha256', '=', sha256.toLowerCase());
  return query.orderBy('created').orderBy('id').execute();
}

export async function findPackage(db: Db, realm: string, id: string): Promise<PackageRow | undefined> {
  return db.selectFrom('packages').selectAll().where('realm', '=', realm).where('id', '=', id).executeTakeFirst();
}
