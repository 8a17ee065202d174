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
