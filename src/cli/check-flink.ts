#!/usr/bin/env node
/**
 * `npm run check:flink -- <rest-url> [--bearer <token> | --basic <user:password>] [--ca-file <pem>]
 *  [--savepoint-base <uri>] [--parallelism <n>] [--json]`
 * `npm run check:flink -- --catalog <runtime-catalog.json> --environment <id>` takes the same
 * from that environment's `flink` binding.
 *
 * A read-only conformance probe to run against a real Flink session cluster before pointing an
 * environment at it. Exit 0 when nothing failed (warnings allowed), 1 when a check failed, 2 on
 * a usage error.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { checkConformance } from '../runtimes/flink/conformance.js';
import { FlinkRestApi } from '../runtimes/flink/rest-api.js';
import { FlinkRestClient } from '../runtimes/flink/rest-client.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, parseFlinkSettings, type FlinkAuth } from '../runtimes/flink/settings.js';

function usage(message: string): never {
  process.stderr.write(`check:flink: ${message}\nusage: npm run check:flink -- <rest-url> [--bearer <token> | --basic <user:password>] [--ca-file <pem>] [--savepoint-base <uri>] [--parallelism <n>] [--json]\n`
    + '       npm run check:flink -- --catalog <runtime-catalog.json> --environment <id>\n');
  process.exit(2);
}

function fromCatalog(file: string, environment: string) {
  let catalog: unknown;
  try {
    catalog = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    usage(`${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  const binding = (catalog as { runtimeBindings?: Record<string, unknown> }).runtimeBindings?.[environment];
  if (binding === undefined) usage(`${file} has no runtimeBindings["${environment}"]`);
  const { settings, problems } = parseFlinkSettings(binding);
  if (!settings) usage(problems.map((p) => `runtimeBindings/${environment}${p.field} ${p.message}`).join('; '));
  return settings;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        bearer: { type: 'string' }, basic: { type: 'string' }, 'ca-file': { type: 'string' },
        'savepoint-base': { type: 'string' }, parallelism: { type: 'string' }, json: { type: 'boolean' },
        catalog: { type: 'string' }, environment: { type: 'string' }, 'timeout-ms': { type: 'string' },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  let restUrl: string;
  let auth: FlinkAuth | null = null;
  let caFile: string | null = values['ca-file'] ?? null;
  let savepointBase = values['savepoint-base'];
  let timeoutMs = values['timeout-ms'] ? Number(values['timeout-ms']) : DEFAULT_REQUEST_TIMEOUT_MS;
  if (values.catalog) {
    if (!values.environment) usage('--catalog needs --environment');
    const settings = fromCatalog(values.catalog, values.environment);
    ({ restUrl, auth, caFile } = settings);
    savepointBase = settings.savepointBase;
    timeoutMs = settings.requestTimeoutMs;
  } else {
    if (positionals.length !== 1) usage('give the JobManager\'s REST URL (e.g. http://flink-jobmanager:8081)');
    restUrl = positionals[0];
    if (!/^https?:\/\//.test(restUrl)) usage(`${restUrl} is not an http:// or https:// URL`);
    if (values.bearer && values.basic) usage('give --bearer or --basic, not both');
    if (values.bearer) auth = { bearer: values.bearer };
    if (values.basic) {
      const at = values.basic.indexOf(':');
      if (at < 1) usage('--basic takes user:password');
      auth = { basic: { user: values.basic.slice(0, at), password: values.basic.slice(at + 1) } };
    }
  }
  if (!(timeoutMs > 0)) usage('--timeout-ms must be a positive number');
  const parallelism = values.parallelism === undefined ? undefined : Number(values.parallelism);
  if (parallelism !== undefined && !(Number.isInteger(parallelism) && parallelism > 0)) usage('--parallelism must be a positive whole number');

  const client = new FlinkRestClient({ restUrl, auth, caFile, requestTimeoutMs: timeoutMs });
  try {
    const results = await checkConformance(new FlinkRestApi(client), { savepointBase, slotsNeeded: parallelism });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ restUrl, results }, null, 2)}\n`);
    } else {
      process.stdout.write(`Flink JobManager at ${restUrl}\n`);
      for (const r of results) process.stdout.write(`  ${r.outcome.toUpperCase().padEnd(4)} ${r.name}: ${r.detail}\n`);
    }
    process.exitCode = results.some((r) => r.outcome === 'fail') ? 1 : 0;
  } finally {
    client.close();
  }
}

await main();
