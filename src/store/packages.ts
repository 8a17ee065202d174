import type { Owner } from '../domain/owner.js';
import type { Db } from './database.js';
import type { PackageRow } from './schema.js';
import { visibleTo } from './visibility.js';

export interface NewPackage {
  id: string;
  realm: string;
  /** The uploader's project, when its token was project-scoped. */
  home?: string | null;
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
      home: pkg.home ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The owner's packages, oldest first; with `sha256`, only those with that content. */
export async function listPackages(db: Db, owner: Owner, sha256?: string): Promise<PackageRow[]> {
  let query = db.selectFrom('packages').selectAll().where(visibleTo(owner));
  if (sha256) query = query.where('sha256', '=', sha256.toLowerCase());
  return query.orderBy('created').orderBy('id').execute();
}

export async function findPackage(db: Db, owner: Owner, id: string): Promise<PackageRow | undefined> {
  return db.selectFrom('packages').selectAll().where(visibleTo(owner)).where('id', '=', id).executeTakeFirst();
}
