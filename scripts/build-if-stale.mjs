#!/usr/bin/env node
// `npm start` builds only when something it is built from changed since the last full build
// (~40 s of tsc, esbuild and javac on a laptop, ~0.1 s to check). `npm run build` ends by
// writing the stamp (`--stamp`); this compares the stamp's time with the newest input's.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
/** What the build reads: sources of the service, tests and benches (tsc compiles them all), the console, the examples. */
const INPUTS = ['src', 'test', 'bench', 'console', 'examples', 'scripts', 'tsconfig.json', 'package.json', 'package-lock.json'];
/** Build outputs that live among the inputs. */
const SKIPPED = new Set(['build', 'node_modules', 'dist']);

function newestIn(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file changes its folder's time
  for (const child of fs.readdirSync(entry)) {
    if (!SKIPPED.has(child)) newest = Math.max(newest, newestIn(path.join(entry, child)));
  }
  return newest;
}

if (process.argv.includes('--stamp')) {
  fs.mkdirSync(path.dirname(stamp), { recursive: true });
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  process.exit(0);
}

const built = fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const newest = Math.max(...INPUTS.map((input) => newestIn(path.join(root, input))));
if (built > newest) {
  console.error('sluice: the build is current (npm run build to force one)');
  process.exit(0);
}
console.error('sluice: building (TypeScript, console, example JARs)…');
const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
