import { createStore, type Store, type StoreKind } from '../../test/helpers/server.js';
import { adminOf, pipelineWithVersions, type BenchCaller } from './fixtures.js';
import { startSluice, stopAll, tail, type BenchServer } from './servers.js';

/** `sluice serve` running on a fresh store. */
export interface SluiceRunning {
  kind: StoreKind;
  store: Store;
  sluice: BenchServer;
  caller: BenchCaller;
  /** Servers started by the body: stopped afterwards, and their output shown on failure. */
  servers: BenchServer[];
}

export interface SluiceOnStore extends SluiceRunning {
  pipelineId: string;
  /** GET paths into the fixture. */
  paths: { pipeline: string; versions: string; version: string };
}

export interface WithSluiceOptions {
  kind: StoreKind;
  logLevel: string;
  /** Servers started elsewhere (the baseline) whose state and output a failure should show. */
  alsoReport?: BenchServer[];
}

export interface SluiceOnStoreOptions extends WithSluiceOptions {
  versions: number;
  log: (line: string) => void;
}

/**
 * A fresh store (PGlite folder, or PostgreSQL schema dropped afterwards) and `sluice serve` on
 * it; runs `body`, then stops every server and disposes of the store, whatever happened.
 */
export async function withSluice<T>(options: WithSluiceOptions, body: (ctx: SluiceRunning) => Promise<T>): Promise<T> {
  const { kind } = options;
  const servers: BenchServer[] = [];
  let store: Store | undefined;
  try {
    store = await createStore(kind, 'sluice bench');
    const sluice = await startSluice({ storeEnv: store.env, logLevel: options.logLevel });
    servers.push(sluice);
    return await body({ kind, store, sluice, caller: await adminOf(sluice.url), servers });
  } catch (error) {
    // What the servers said is usually the explanation (a crash, a failed query): keep it.
    const said = [...servers, ...(options.alsoReport ?? [])].map((server) => `--- ${server.name} (pid ${server.pid}, ${server.state()}), last lines:\n${tail(server.output())}`);
    throw new Error(`${kind}: ${error instanceof Error ? error.message : String(error)}\n${said.join('\n')}`, { cause: error });
  } finally {
    await stopAll(servers);
    await store?.dispose();
  }
}

/** withSluice, with one pipeline of `versions` versions created over HTTP before `body` runs. */
export function withSluiceOnStore<T>(options: SluiceOnStoreOptions, body: (ctx: SluiceOnStore) => Promise<T>): Promise<T> {
  return withSluice(options, async (ctx) => {
    const started = Date.now();
    const fixture = await pipelineWithVersions(ctx.caller.api, options.versions);
    options.log(`[${ctx.kind}] fixture: 1 pipeline, ${options.versions} versions in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const pipeline = `/v2/pipelines/${fixture.pipelineId}`;
    // A version from the middle: no first- or last-row luck in the index lookup.
    const versionId = fixture.versionIds[Math.floor(fixture.versionIds.length / 2)];
    return body({
      ...ctx,
      pipelineId: fixture.pipelineId,
      paths: { pipeline, versions: `${pipeline}/versions`, version: `${pipeline}/versions/${versionId}` },
    });
  });
}
