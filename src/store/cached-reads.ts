import type { Owner } from '../domain/owner.js';
import { signals, type CacheKind } from '../telemetry/signals.js';
import type { ChangeListener } from './change-feed.js';
import { CachedVersionLists } from './cached-version-lists.js';
import type { Db } from './database.js';
import { isKeyEnabled } from './apps.js';
import { findPipeline, findPipelineById } from './pipelines.js';
import { ReadCache } from './read-cache.js';
import type { PipelineRow, PipelineVersionRow, TemplateRow } from './schema.js';
import { findTemplate, findTemplateById } from './templates.js';
import { findVersionWithOwner, findVisibleVersion, type VersionWithOwner } from './versions.js';
import { isVisibleTo } from './visibility.js';
import type { Written } from './write-watch.js';

/** A read that went to the database because the cache is off (configured so, or its feed is down). */
function off<T>(kind: CacheKind, read: Promise<T>): Promise<T> {
  signals.emit('cache.read', { kind, result: 'off' });
  return read;
}

/**
 * The rows behind GET version, GET pipeline and GET template, cached by id. Rows are cached
 * whoever asked, and each read checks the caller's realm and project in JS (`isVisibleTo`, the
 * same rule as the SQL one), so a row of another realm is still not found.
 *
 * Kept fresh two ways: the database's change notifications (triggers of migration 0005, for
 * every writer: routes, engine, other replicas, psql) drop the rows named; and this process's
 * own committed writes drop the whole cache of the tables they touched before the writing
 * request answers (notifications arrive asynchronously, so a PUT then GET could otherwise read
 * the old row). Rows handed out are shared: callers must not modify them.
 */
export class CachedReads implements ChangeListener {
  private readonly versions: ReadCache<VersionWithOwner>;
  private readonly pipelines: ReadCache<PipelineRow>;
  private readonly templates: ReadCache<TemplateRow>;
  /** Whether an access key is enabled: asked on every request made with an app's token. */
  private readonly keys: ReadCache<{ enabled: boolean }>;
  /** Whole lists of a pipeline's versions; a list holds many rows, so a tenth as many lists as rows. */
  readonly versionLists: CachedVersionLists;

  constructor(private readonly db: Db, capacity: number) {
    this.versions = new ReadCache(capacity, 'versions');
    this.pipelines = new ReadCache(capacity, 'pipelines');
    this.templates = new ReadCache(capacity, 'templates');
    this.keys = new ReadCache(capacity, 'keys');
    this.versionLists = new CachedVersionLists(db, capacity > 0 ? Math.max(1, Math.floor(capacity / 10)) : 0);
  }

  /** Whether the access key exists and is enabled; as `isKeyEnabled`. */
  async keyEnabled(keyId: string): Promise<boolean> {
    if (!this.keys.live) return isKeyEnabled(this.db, keyId);
    const found = await this.keys.read(keyId, async () => ({ enabled: await isKeyEnabled(this.db, keyId) }));
    return found?.enabled === true;
  }

  /** A version inside a pipeline the owner can see; as `findVisibleVersion`. */
  async visibleVersion(owner: Owner, pipelineId: string, versionId: string): Promise<PipelineVersionRow | undefined> {
    if (!this.versions.live) return off('versions', findVisibleVersion(this.db, owner, pipelineId, versionId));
    const found = await this.versions.read(versionId, () => findVersionWithOwner(this.db, versionId));
    if (!found || found.row.pipelineId !== pipelineId || !isVisibleTo(owner, found.pipeline)) return undefined;
    return found.row;
  }

  /** As `findPipeline`. */
  async pipeline(owner: Owner, id: string): Promise<PipelineRow | undefined> {
    if (!this.pipelines.live) return off('pipelines', findPipeline(this.db, owner, id));
    const row = await this.pipelines.read(id, () => findPipelineById(this.db, id));
    return row && isVisibleTo(owner, row) ? row : undefined;
  }

  /** As `findTemplate`. */
  async template(owner: Owner, id: string): Promise<TemplateRow | undefined> {
    if (!this.templates.live) return off('templates', findTemplate(this.db, owner, id));
    const row = await this.templates.read(id, () => findTemplateById(this.db, id));
    return row && isVisibleTo(owner, row) ? row : undefined;
  }

  /** From the change feed: a committed update or delete of one row (or, without id, of any). */
  changed(table: string, id: string | undefined): void {
    this.versionLists.changed(table, id);
    switch (table) {
      case 'pipeline_versions':
        if (id) this.versions.invalidate(id);
        else this.versions.clear();
        break;
      case 'pipelines':
        // A cached version carries its pipeline's realm and home, and goes with its pipeline.
        if (id) {
          this.pipelines.invalidate(id);
          this.versions.invalidateWhere((entry) => entry.row.pipelineId === id);
        } else {
          this.pipelines.clear();
          this.versions.clear();
        }
        break;
      case 'pipeline_templates':
        if (id) this.templates.invalidate(id);
        else this.templates.clear();
        break;
      case 'access_keys':
        if (id) this.keys.invalidate(id);
        else this.keys.clear();
        break;
    }
  }

  live(isLive: boolean): void {
    for (const cache of [this.versions, this.pipelines, this.templates, this.keys]) cache.setLive(isLive);
    this.versionLists.live(isLive);
  }

  /** From the driver: this process committed changes to these tables. */
  committed(tables: Written): void {
    const touched = (name: string) => tables === 'all' || tables.has(name);
    this.versionLists.committed(touched);
    if (touched('pipeline_versions') || touched('pipelines')) this.versions.clear();
    if (touched('pipelines')) this.pipelines.clear();
    if (touched('pipeline_templates')) this.templates.clear();
    // Deleting an app deletes its keys by cascade, which the statement does not name.
    if (touched('access_keys') || touched('apps')) this.keys.clear();
  }
}
