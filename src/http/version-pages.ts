import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VersionList, VersionPage } from '../store/cached-version-lists.js';
import type { PipelineVersionRow } from '../store/schema.js';
import { etagOf, sendJsonWithEtag } from './etag.js';
import { presentVersion, type VersionContext } from './present.js';

/** One version as the list's items are serialized (the same schema, by $id). */
const ONE_VERSION = Type.Ref('PipelineVersion');

/** Pages of one list kept at once (different `limit`/`after`/base URL); past it they start afresh. */
const PAGES_PER_LIST = 16;

interface SerializedPage {
  json: string;
  etag: string;
}

/**
 * Sends a page of versions as JSON text made once per cached list: a cached list's rows never
 * change (a change replaces the list), so each row is serialized once (with the route's own
 * serializer for one version) and each page of it is joined and tagged once. A page read from
 * the database (cache off, or a long list) is serialized for its request only.
 */
export function versionPageSender() {
  const rowJson = new WeakMap<PipelineVersionRow, { baseUrl: string; json: string }>();
  const pages = new WeakMap<VersionList, Map<string, SerializedPage>>();

  const serializeRow = (reply: FastifyReply, row: PipelineVersionRow, context: VersionContext) => {
    let entry = rowJson.get(row);
    if (entry === undefined || entry.baseUrl !== context.baseUrl) {
      const serialize = reply.compileSerializationSchema(ONE_VERSION);
      entry = { baseUrl: context.baseUrl, json: serialize(presentVersion(row, context)) };
      rowJson.set(row, entry);
    }
    return entry.json;
  };
  const serializePage = (reply: FastifyReply, page: VersionPage, context: VersionContext): SerializedPage => {
    const json = `[${page.rows.map((row) => serializeRow(reply, row, context)).join(',')}]`;
    return { json, etag: etagOf(json) };
  };

  return (request: FastifyRequest, reply: FastifyReply, page: VersionPage, context: VersionContext): FastifyReply => {
    const { list } = page;
    if (!list) {
      const { json, etag } = serializePage(reply, page, context);
      return sendJsonWithEtag(request, reply, json, etag);
    }
    let cached = pages.get(list);
    if (!cached) pages.set(list, (cached = new Map()));
    const key = `${page.rows[0]?.versionNumber ?? ''} ${page.rows.length} ${context.baseUrl}`;
    let serialized = cached.get(key);
    if (!serialized) {
      if (cached.size >= PAGES_PER_LIST) cached.clear();
      serialized = serializePage(reply, page, context);
      cached.set(key, serialized);
    }
    return sendJsonWithEtag(request, reply, serialized.json, serialized.etag);
  };
}
