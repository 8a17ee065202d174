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
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The package's stored JAR, if it exists in the realm (runtimes use it to launch jobs). */
export async function findPackage(db: Db, realm: string, id: string): Promise<Pick<PackageRow, 'id' | 'storagePath' | 'fileName'> | undefined> {
  return db
    .selectFrom('packages')
    .select(['id', 'storagePath', 'fileName'])
    .where('id', '=', id)
    .where('realm', '=', realm)
    .executeTakeFirst();
}
