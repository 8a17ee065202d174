import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * The channel the triggers of migration 0005 notify on. One channel for every schema of a
 * database (a channel name could not hold a 63-character schema name as well), so each payload
 * names its schema: `<schema> <table> <id>`, or `<schema> <table> *` after a TRUNCATE; a new
 * version is announced as `<schema> pipeline_versions_of <pipelineId>` (migration 0013).
 */
export const CHANGE_CHANNEL = 'sluice_changes';

export interface ChangeListener {
  /** A row of `table` was updated or deleted (committed); `id` undefined: possibly every row. */
  changed(table: string, id: string | undefined): void;
  /** Listening or not: changes made while not listening are never reported. */
  live(isLive: boolean): void;
}

export interface ChangeFeed {
  close(): Promise<void>;
}

function dispatcher(schema: string, listener: ChangeListener) {
  return (payload: string) => {
    const [from, table, id] = payload.split(' ');
    if (from !== schema || !table) return;
    listener.changed(table, id === '*' || id === undefined ? undefined : id);
  };
}

/**
 * PGlite: the one in-process connection listens. Called before Kysely runs any query: PGlite's
 * `listen` does not wait for a Kysely transaction in progress, and a LISTEN inside one would be
 * undone by its rollback.
 */
export async function listenOnPglite(pglite: PGlite, schema: string, listener: ChangeListener): Promise<ChangeFeed> {
  await pglite.listen(CHANGE_CHANNEL, dispatcher(schema, listener));
  listener.live(true);
  return {
    // No UNLISTEN: the database is closed next, and a query now could land inside a transaction.
    async close() {
      listener.live(false);
    },
  };
}

export interface PostgresFeedOptions {
  connectionString: string;
  schema: string;
  /** How often the listening connection is checked: a connection dropped silently (a NAT or firewall idle timeout) would otherwise lose changes unnoticed. */
  pingMs?: number;
  /** Longest wait between reconnection attempts. */
  maxRetryMs?: number;
  onError?: (error: unknown, what: string) => void;
  /** Listening again after a failure (not called for the first connection). */
  onRecovered?: () => void;
}

/**
 * PostgreSQL: a dedicated connection outside the pool (a pooled connection is shared, and LISTEN
 * belongs to a session). When it fails it is replaced, retrying with backoff; the listener is
 * told it is not live in between, since notifications sent meanwhile are lost.
 */
export function listenOnPostgres(options: PostgresFeedOptions, listener: ChangeListener): ChangeFeed {
  const pingMs = options.pingMs ?? 10_000;
  const maxRetryMs = options.maxRetryMs ?? 5_000;
  const onChange = dispatcher(options.schema, listener);
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 100;
  let retryTimer: NodeJS.Timeout | undefined;
  let pingTimer: NodeJS.Timeout | undefined;
  let failedBefore = false;

  const drop = (error: unknown, what: string) => {
    if (closed) return;
    failedBefore = true;
    listener.live(false);
    options.onError?.(error, what);
    clearInterval(pingTimer);
    const failed = client;
    client = undefined;
    // end() can hang on a dead socket; nothing waits for it.
    failed?.end().catch(() => undefined);
    if (!retryTimer) {
      retryTimer = setTimeout(() => { retryTimer = undefined; void connect(); }, retryMs);
      retryTimer.unref();
      retryMs = Math.min(retryMs * 2, maxRetryMs);
    }
  };

  const connect = async () => {
    if (closed) return;
    const candidate = new pg.Client({
      connectionString: options.connectionString, keepAlive: true, query_timeout: pingMs, connectionTimeoutMillis: pingMs,
      // Named, so that an operator (or a test) can find this session in pg_stat_activity.
      application_name: `sluice-changes:${options.schema}`,
    });
    client = candidate;
    candidate.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL && message.payload) onChange(message.payload);
    });
    candidate.on('error', (error) => { if (client === candidate) drop(error, 'change feed connection failed'); });
    candidate.on('end', () => { if (client === candidate) drop(new Error('connection ended'), 'change feed connection ended'); });
    try {
      await candidate.connect();
      await candidate.query(`listen ${CHANGE_CHANNEL}`);
    } catch (error) {
      if (client === candidate) drop(error, 'change feed could not listen');
      return;
    }
    if (closed || client !== candidate) {
      await candidate.end().catch(() => undefined);
      return;
    }
    retryMs = 100;
    listener.live(true);
    if (failedBefore) options.onRecovered?.();
    pingTimer = setInterval(() => {
      candidate.query('select 1').catch((error: unknown) => { if (client === candidate) drop(error, 'change feed ping failed'); });
    }, pingMs);
    pingTimer.unref();
  };

  void connect();
  return {
    async close() {
      closed = true;
      listener.live(false);
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
