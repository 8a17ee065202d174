import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * Creating a PGlite database (initdb) grows the WebAssembly heap by ~120 MB that the process
 * then keeps for its whole life (a WebAssembly memory never shrinks): the first start of
 * `sluice serve` idled at ~370 MB RSS, a restart on the same folder at ~250 MB. So a new
 * database is made by a short-lived child process, and the service only ever opens an existing
 * one. (A one-off at start, before any engine loop: not one of the engine's processes.)
 */
export async function initialisePgliteIn(folder: string, settings: string[]): Promise<void> {
  if (fs.existsSync(path.join(folder, 'PG_VERSION'))) return;
  await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), folder, JSON.stringify(settings)], { timeout: 120_000 });
}

// Run as a script: create the database in the folder given, then exit.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [folder, settings] = process.argv.slice(2);
  const pglite = await PGlite.create(folder, { postgresqlconf: JSON.parse(settings) as string[] });
  await pglite.close();
}
