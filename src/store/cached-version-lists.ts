import type { Owner } from '../domain/owner.js';
import type { Db } from './database.js';
import { ReadCache } from './read-cache.js';
import type { PipelineVersionRow } from './schema.js';
import { isVisibleTo } from './visibility.js';

/** A pipeline's versions in `versionNumber` order, with whose they are. Shared: never modified. */
export interface VersionList {
  pipelineId: string;
  owner: { realm: string; home: string | null };
  rows: readonly PipelineVersionRow[];
}

/** One page of a list: versions after `afterNumber` (a `versionNumber`), at most `limit` (may be Infinity). */
export interface VersionPageRequest {
  afterNumber?: number;
  limit: number;
}

export interface VersionPage {
  rows: readonly PipelineVersionRow[];
  /** The last row's `versionNumber` when more follow. */
  nextAfter?: number;
  /** The list the page was cut from, when it came from the cache (its rows never change). */
  list?: VersionList;
}

/**
 * Lists longer than this are read page by page from the database instead: a cached list keeps
 * every row, and the console pages through 100 at a time anyway.
 */
export const MAX_CACHED_LIST = 2_000;

/**
 * Bound on the version → pipeline index. Evicted lists leave their versions in it (harmless: the
 * pipeline's list is not cached any more); past this many the whole cache starts afresh.
 */
const INDEX_PER_LIST = 200;

/**
 * Whole version lists of pipelines, cached by pipeline id, for `GET …/versions`. Reading 100
 * versions cost ≈ 5 ms of the server's CPU on PGlite (the query runs in the server's process) and
 * ≈ 6 ms on PostgreSQL (the driver's parsing of 100 rows of 25 columns), measured with
 * `npm run bench -- api-throughput`; a cached page is sliced from memory.
 *
 * Kept fresh like CachedReads: notifications name an updated or deleted version by its id (migration
 * 0005), so the index below tells which list holds it; an inserted version is announced by its
 * pipeline (`pipeline_versions_of`, migration 0013); this process's own writes to versions or
 * pipelines drop every list before the writing request answers.
 */
export class CachedVersionLists {
  private readonly lists: ReadCache<VersionList>;
  private readonly pipelineOf = new Map<string, string>();

  constructor(private readonly db: Db, capacity: number) {
    this.lists = new ReadCache(capacity, 'version-lists');
  }

  /** A page of the versions of a pipeline the owner can see; undefined when it cannot see it. */
  async page(owner: Owner, pipelineId: string, request: VersionPageRequest): Promise<VersionPage | undefined> {
    const cached = this.lists.get(pipelineId);
    if (cached) return isVisibleTo(owner, cached.owner) ? pageOf(cached, request) : undefined;
    const ticket = this.lists.ticket();
    const owned = await pipelineOwner(this.db, pipelineId);
    if (!owned || !isVisibleTo(owner, owned)) return undefined;
    if (ticket === undefined) return readPage(this.db, pipelineId, request);
    const rows = await readVersions(this.db, pipelineId, { limit: MAX_CACHED_LIST + 1 });
    if (rows.length > MAX_CACHED_LIST) return readPage(this.db, pipelineId, request);
    const list: VersionList = { pipelineId, owner: owned, rows };
    if (this.lists.fill(ticket, pipelineId, list)) {
      if (this.pipelineOf.size > this.lists.capacity * INDEX_PER_LIST) this.clear();
      else for (const row of rows) this.pipelineOf.set(row.id, pipelineId);
    }
    return pageOf(list, request);
  }

  /** From the change feed (see the class comment). */
  changed(table: string, id: string | undefined): void {
    if (id === undefined) {
      if (table === 'pipeline_versions' || table === 'pipelines') this.clear();
      return;
    }
    switch (table) {
      case 'pipeline_versions':
        // An id no cached list holds still bumps the cache's generation: a list being read at
        // this moment may hold the old row, and must not be stored.
        this.lists.invalidate(this.pipelineOf.get(id) ?? id);
        break;
      case 'pipeline_versions_of':
      case 'pipelines':
        this.lists.invalidate(id);
        break;
    }
  }

  live(isLive: boolean): void {
    this.pipelineOf.clear();
    this.lists.setLive(isLive);
  }

  committed(touched: (table: string) => boolean): void {
    if (touched('pipeline_versions') || touched('pipelines')) this.clear();
  }

  private clear(): void {
    this.pipelineOf.clear();
    this.lists.clear();
  }
}

function pageOf(list: VersionList, request: VersionPageRequest): VersionPage {
  const { rows } = list;
  let start = 0;
  if (request.afterNumber !== undefined) {
    // Rows are in versionNumber order: the first one past the cursor, by bisection.
    let high = rows.length;
    while (start < high) {
      const middle = (start + high) >>> 1;
      if (rows[middle].versionNumber <= request.afterNumber) start = middle + 1;
      else high = middle;
    }
  }
  const end = Math.min(rows.length, start + request.limit);
  const page = start === 0 && end === rows.length ? rows : rows.slice(start, end);
  return { rows: page, nextAfter: end < rows.length ? rows[end - 1].versionNumber : undefined, list };
}

async function pipelineOwner(db: Db, pipelineId: string) {
  return db.selectFrom('pipelines').select(['realm', 'home']).where('id', '=', pipelineId).executeTakeFirst();
}

function readVersions(db: Db, pipelineId: string, request: VersionPageRequest): Promise<PipelineVersionRow[]> {
  let query = db.selectFrom('pipelineVersions').selectAll().where('pipelineId', '=', pipelineId);
  if (request.afterNumber !== undefined) query = query.where('versionNumber', '>', request.afterNumber);
  query = query.orderBy('versionNumber');
  return (Number.isFinite(request.limit) ? query.limit(request.limit) : query).execute();
}

/** One page straight from the database (cache off, or a list too long to cache). */
async function readPage(db: Db, pipelineId: string, request: VersionPageRequest): Promise<VersionPage> {
  const rows = await readVersions(db, pipelineId, { ...request, limit: request.limit + 1 });
  if (rows.length <= request.limit) return { rows };
  rows.length = request.limit;
  return { rows, nextAfter: rows[rows.length - 1].versionNumber };
}
