// Creates a migrated PGlite database once per test run; each PGlite test store starts from a
// copy of it. A fresh PGlite runs initdb (≈ 7 s on a busy 2-core machine) where opening a copy
// takes ≈ 2.5 s, and every API suite starts several servers. The fresh path itself is what this
// script runs, through the service's own openDatabase and migrate.
import fs from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { migrate, openDatabase } from '../../src/store/database.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: prepare-pglite-template <data-dir>');
await fs.rm(dataDir, { recursive: true, force: true });
const database = await openDatabase(loadConfig({ SLUICE_DATA_DIR: dataDir }));
await migrate(database);
await database.close();
console.log(`PGlite template ready in ${path.join(dataDir, 'pglite')}`);
