import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  Kysely,
  OperationNode,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/** Tables (SQL names) a committed statement may have inserted, changed or deleted rows of; 'all' when it cannot be told. */
export type Written = ReadonlySet<string> | 'all';

export type Node = OperationNode & Record<string, any>;

export function tableName(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'AliasNode') return tableName(node.node);
  if (node.kind === 'TableNode') return node.table.identifier.name;
  return undefined;
}

/** Adds the tables `node` changes to `into`; false when it cannot tell (the caller assumes every table). */
function collect(node: Node, into: Set<string>): boolean {
  for (const cte of node.with?.expressions ?? []) if (!collect(cte.expression, into)) return false;
  switch (node.kind) {
    case 'SelectQueryNode':
      return true;
    case 'InsertQueryNode': {
      // A new row is under a new id, which no cached row can be, but it changes the lists that
      // hold its table's rows (a pipeline's versions: store/cached-version-lists.ts).
      const name = tableName(node.into);
      if (name) into.add(name);
      return name !== undefined;
    }
    case 'UpdateQueryNode': {
      const name = tableName(node.table);
      if (name) into.add(name);
      return name !== undefined;
    }
    case 'DeleteQueryNode':
      for (const from of node.from.froms) {
        const name = tableName(from);
        if (!name) return false;
        into.add(name);
      }
      return true;
    default:
      return false;
  }
}

const READ_ONLY_RAW = /^\s*(select|show|explain|listen|unlisten)\b/i;

/** What a statement may change, from Kysely's query tree (raw SQL: only plain reads are recognised). */
export function tablesWritten(compiled: CompiledQuery): Written | undefined {
  const root = compiled.query as Node;
  if (root.kind === 'RawNode') return READ_ONLY_RAW.test(compiled.sql) ? undefined : 'all';
  const tables = new Set<string>();
  if (!collect(root, tables)) return 'all';
  return tables.size > 0 ? tables : undefined;
}

function merge(a: Written | undefined, b: Written): Written {
  if (a === undefined) return b;
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...a, ...b]);
}

/**
 * Any Kysely dialect, telling `committed` which tables a statement changed once it is committed:
 * at once for a statement outside a transaction, at commit for one inside (a rollback tells
 * nothing). This is how the read cache sees this process's own writes before the writing request
 * answers, since the database's change notifications arrive asynchronously.
 */
export class WriteWatchingDialect implements Dialect {
  constructor(private readonly inner: Dialect, private readonly committed: (tables: Written) => void) {}
  createAdapter() { return this.inner.createAdapter(); }
  createDriver(): Driver { return new WatchingDriver(this.inner.createDriver(), this.committed); }
  createIntrospector(db: Kysely<any>) { return this.inner.createIntrospector(db); }
  createQueryCompiler() { return this.inner.createQueryCompiler(); }
}

class WatchingConnection implements DatabaseConnection {
  inTransaction = false;
  pending: Written | undefined;

  constructor(readonly inner: DatabaseConnection, private readonly committed: (tables: Written) => void) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const written = tablesWritten(compiled);
    if (!written) return this.inner.executeQuery<R>(compiled);
    if (this.inTransaction) {
      this.pending = merge(this.pending, written);
      return this.inner.executeQuery<R>(compiled);
    }
    try {
      return await this.inner.executeQuery<R>(compiled);
    } finally {
      // Even when it failed: whether it committed cannot always be told (a dropped connection).
      this.committed(written);
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    const written = tablesWritten(compiled);
    if (written && this.inTransaction) this.pending = merge(this.pending, written);
    try {
      yield* this.inner.streamQuery<R>(compiled, chunkSize);
    } finally {
      if (written && !this.inTransaction) this.committed(written);
    }
  }
}

type Compile = QueryCompiler['compileQuery'];

class WatchingDriver implements Driver {
  private readonly connections = new WeakMap<DatabaseConnection, WatchingConnection>();

  constructor(private readonly inner: Driver, private readonly committed: (tables: Written) => void) {}

  init() { return this.inner.init(); }
  destroy() { return this.inner.destroy(); }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let watching = this.connections.get(connection);
    if (!watching) {
      watching = new WatchingConnection(connection, this.committed);
      this.connections.set(connection, watching);
    }
    return watching;
  }

  releaseConnection(connection: DatabaseConnection) {
    return this.inner.releaseConnection((connection as WatchingConnection).inner);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const watching = connection as WatchingConnection;
    await this.inner.beginTransaction(watching.inner, settings);
    watching.inTransaction = true;
    watching.pending = undefined;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const watching = connection as WatchingConnection;
    try {
      await this.inner.commitTransaction(watching.inner);
    } finally {
      const pending = watching.pending;
      watching.inTransaction = false;
      watching.pending = undefined;
      if (pending) this.committed(pending);
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const watching = connection as WatchingConnection;
    try {
      await this.inner.rollbackTransaction(watching.inner);
    } finally {
      watching.inTransaction = false;
      watching.pending = undefined;
    }
  }

  savepoint(connection: DatabaseConnection, name: string, compile: Compile) {
    return this.required('savepoint').call(this.inner, (connection as WatchingConnection).inner, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Compile) {
    return this.required('rollbackToSavepoint').call(this.inner, (connection as WatchingConnection).inner, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: Compile) {
    return this.required('releaseSavepoint').call(this.inner, (connection as WatchingConnection).inner, name, compile);
  }

  private required(method: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint') {
    const fn = this.inner[method];
    if (!fn) throw new Error(`the database driver does not support ${method}`);
    return fn;
  }
}
