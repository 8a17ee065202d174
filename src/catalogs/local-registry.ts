import type { Db } from '../store/database.js';
import { latestCatalogVersions, publishCatalogVersion } from '../store/catalog-versions.js';
import type { CatalogVersionSource } from './source.js';

type Listener = Parameters<CatalogVersionSource['onPublished']>[0];

/** Catalog versions published through Sluice's own routes, kept in the store. */
export class LocalCatalogRegistry implements CatalogVersionSource {
  readonly name = 'local';
  private readonly listeners: Listener[] = [];

  constructor(private readonly db: Db) {}

  async latestVersions(realm: string, catalogHrns: string[]): Promise<Map<string, number>> {
    const found = await latestCatalogVersions(this.db, realm, [...new Set(catalogHrns)]);
    return new Map(catalogHrns.map((hrn) => [hrn, found.get(hrn) ?? -1]));
  }

  onPublished(listener: Listener): void {
    this.listeners.push(listener);
  }

  async publish(realm: string, catalogHrn: string, by: string, at: Date): Promise<number> {
    const version = await publishCatalogVersion(this.db, realm, catalogHrn, by, at);
    for (const listener of this.listeners) listener({ realm, catalogHrn, version });
    return version;
  }
}
