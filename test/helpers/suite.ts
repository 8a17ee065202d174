import { after, before, describe } from 'node:test';
import {
  client, createStore, startTestServer, STORES, tokenFor,
  type Request, type Store, type StoreKind, type TestServer,
} from './server.js';

export const REALM = 'realm-a';
export const OTHER_REALM = 'realm-b';
export const GROUP = 'GROUP-12345678-1234-1234-1234-123456789abc';

export interface SuiteContext {
  kind: StoreKind;
  store: Store;
  server: TestServer;
  /** Requests as an OrgAdmin of REALM. */
  api: Request;
  /** Requests as a plain user of REALM. */
  user: Request;
  /** Requests as an OrgAdmin of OTHER_REALM. */
  other: Request;
  /** A client with any token. */
  as(token: string | null): Request;
  tokenFor: typeof tokenFor;
  /** Stops the server (SIGTERM, or SIGKILL for a crash) and starts it again on the same store. */
  restart(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server without starting it again (until `start`). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
}

export interface SuiteOptions {
  env?: Record<string, string | undefined>;
}

/**
 * Runs `body` once per store (PGlite, then PostgreSQL), each against its own real server
 * process over HTTP. A PostgreSQL that cannot be reached fails the suite: it is never skipped.
 */
export function describeOnStores(name: string, body: (ctx: SuiteContext) => void, options: SuiteOptions = {}): void {
  for (const kind of STORES) {
    describe(`${name} [${kind}]`, () => {
      const ctx = { kind, tokenFor } as SuiteContext;
      const connect = async () => {
        ctx.server = await startTestServer(ctx.store, options.env);
        const admin = await tokenFor({ realm: REALM, roles: ['OrgAdmin'] });
        const user = await tokenFor({ realm: REALM, subject: 'user-2' });
        const other = await tokenFor({ realm: OTHER_REALM, roles: ['OrgAdmin'], subject: 'user-9' });
        ctx.api = client(ctx.server.url, admin);
        ctx.user = client(ctx.server.url, user);
        ctx.other = client(ctx.server.url, other);
        ctx.as = (token) => client(ctx.server.url, token ?? undefined);
      };
      ctx.stop = async (signal) => {
        await ctx.server.stop(signal);
      };
      ctx.start = connect;
      ctx.restart = async (signal) => {
        await ctx.server.stop(signal);
        await connect();
      };
      before(async () => {
        ctx.store = await createStore(kind, name);
        await connect();
      });
      after(async () => {
        await ctx.server?.stop();
        await ctx.store?.dispose();
      });
      body(ctx);
    });
  }
}
