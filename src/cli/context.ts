import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import { configDir, profileName, readConfig } from './config-store.js';
import { CredentialsTokens, readCredentialsFile } from './credentials-token.js';
import { UsageError, describeError, exitCodeOf } from './errors.js';
import { Output, type OutputMode } from './output.js';

/** Options every client command takes (declared once, on the program). */
export interface GlobalOptions {
  url?: string;
  token?: string;
  profile?: string;
  credentials?: string;
  json?: boolean;
  quiet?: boolean;
  /** A project HRN: the command asks for a token scoped to it (commands that take `--scope`). */
  scope?: string;
}

export interface Context {
  api: ApiClient;
  out: Output;
  /** Whether a person is watching stderr (spinners, progress). */
  interactive: boolean;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/**
 * Where to talk and as whom. URL: `--url`, `SLUICE_URL`, the profile's `url`, the default.
 * Token: `--token`, `SLUICE_TOKEN`, else one got with a credentials file: `--credentials`,
 * `SLUICE_CREDENTIALS`, the profile's `credentials`, or `credentials.properties` in the config
 * folder when it exists.
 */
export async function contextOf(options: GlobalOptions, env: Record<string, string | undefined> = process.env): Promise<Context> {
  if (options.json && options.quiet) throw new UsageError('--json and --quiet cannot be used together');
  const dir = configDir(env);
  const config = await readConfig(dir);
  const name = profileName(config, options.profile, env);
  const profile = config.profiles[name];
  if (options.profile && !profile) throw new UsageError(`no profile named "${options.profile}" (see \`sluice config list\`)`);
  const url = options.url ?? env.SLUICE_URL ?? profile?.url ?? DEFAULT_URL;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`the URL "${url}" is not an absolute http(s) URL`);
  }
  const token = options.token ?? env.SLUICE_TOKEN;
  let tokens: () => Promise<string>;
  if (token) {
    if (options.scope) throw new UsageError('--scope needs a credentials file: a token\'s scope is fixed when it is issued (use a token issued with that scope instead)');
    tokens = async () => token;
  } else {
    const defaultFile = path.join(dir, 'credentials.properties');
    const file = options.credentials ?? env.SLUICE_CREDENTIALS ?? profile?.credentials
      ?? (await fs.access(defaultFile).then(() => defaultFile, () => undefined));
    if (!file) {
      tokens = async () => {
        throw new UsageError('no token: pass --token, set SLUICE_TOKEN, or use a credentials.properties (--credentials, or `sluice config set credentials <file>`); on the service\'s host `sluice token` prints one');
      };
    } else {
      const credentials = await readCredentialsFile(file);
      const source = new CredentialsTokens(options.scope ? { ...credentials, scope: options.scope } : credentials, dir);
      tokens = () => source.token();
    }
  }
  const mode: OutputMode = options.json ? 'json' : options.quiet ? 'quiet' : 'table';
  return { api: new ApiClient(url, tokens), out: new Output(mode), interactive: process.stderr.isTTY === true && mode !== 'json' };
}

/**
 * The action of a client command: builds the context from the global options, runs, and turns
 * a failure into its message on stderr and its exit code (ApiFailure and failed operations 1,
 * usage errors 2).
 */
export function run<A extends unknown[]>(body: (ctx: Context, ...args: A) => Promise<void>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const params = args.slice(0, -1) as A;
    try {
      const ctx = await contextOf(command.optsWithGlobals<GlobalOptions>());
      await body(ctx, ...params);
    } catch (error) {
      process.stderr.write(`sluice: ${describeError(error)}\n`);
      process.exitCode = exitCodeOf(error);
    }
  };
}

/** Options of the command itself, merged with the global ones (commander passes them before the command). */
export const optionsOf = <T>(params: unknown[]): T => params[params.length - 1] as T;
