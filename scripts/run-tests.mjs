#!/usr/bin/env node
// Runs every compiled test file with Node's test runner: unit tests, then API and end-to-end
// tests on both stores. Node 20's --test takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);

function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'helpers' ? [] : testFiles(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  }).sort();
}

let files = testFiles(path.join(root, 'dist', 'test'));
if (only.length > 0) files = files.filter((f) => only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('no test files found under dist/test: run the build first');
  process.exit(1);
}
// One migrated PGlite database for the whole run; test stores start from copies of it.
const templateDir = path.join(root, 'dist', '.pglite-template');
const prepared = spawnSync(process.execPath, [path.join(root, 'dist', 'test', 'helpers', 'prepare-pglite-template.js'), templateDir], { stdio: 'inherit' });
if (prepared.status !== 0) process.exit(prepared.status ?? 1);
const env = { ...process.env, SLUICE_TEST_PGLITE_TEMPLATE: path.join(templateDir, 'pglite') };
// The terminal gets dots and, at the end, the failures then the counts; the full output (Node's
// spec reporter: every test, every diagnostic) is kept in a file, ~6 500 lines for the suite.
const fullOutput = path.join(root, 'dist', 'test-output.txt');
const result = spawnSync(process.execPath, [
  '--test', '--test-concurrency=2',
  `--test-reporter=${path.join(root, 'scripts', 'summary-reporter.mjs')}`, '--test-reporter-destination=stdout',
  '--test-reporter=spec', `--test-reporter-destination=${fullOutput}`,
  ...files,
], { stdio: 'inherit', env });
console.log(`full output: ${path.relative(process.cwd(), fullOutput) || fullOutput}`);
process.exit(result.status ?? 1);
