import type { Config } from './config.js';
import type { RuntimeCatalog } from './domain/runtime-catalog.js';
import type { Db } from './store/database.js';

/** What route handlers may use: configuration, the store and the engine's entry points. */
export interface Services {
  config: Config;
  db: Db;
  catalog: RuntimeCatalog;
  /** Folder uploaded JARs are kept in, each as `<packageId>.jar`. */
  packagesDir: string;
  now(): Date;
  /** Tells the engine a template was stored in state `creating` and needs checking. */
  templateCreated(templateId: string): void;
}
