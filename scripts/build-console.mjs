#!/usr/bin/env node
// Builds the web console into dist/console: console/src bundled and minified by esbuild (one
// script, one stylesheet, names carrying a content hash), index.html naming them, a .gz beside
// each asset (served by @fastify/static when the browser takes gzip), and manifest.json with the
// sizes. Fails when the first page (index.html + script + stylesheet, gzipped) is over the budget.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'dist', 'console');
const assets = path.join(out, 'assets');
/** The issue's budget for the first page, gzipped (README: "Console"). */
export const BUDGET_GZIP_BYTES = 150 * 1024;

fs.rmSync(out, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: [path.join(root, 'console', 'src', 'main.tsx')],
  outdir: assets,
  entryNames: 'console-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  // Browsers with <dialog>, :focus-visible and color-mix (2023 onwards).
  target: ['chrome111', 'firefox113', 'safari16.4'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
const js = outputs.find((name) => name.endsWith('.js'));
const css = outputs.find((name) => name.endsWith('.css'));
if (!js || !css) throw new Error(`esbuild wrote ${outputs.join(', ')}: expected one .js and one .css`);
const shell = fs.readFileSync(path.join(root, 'console', 'index.html'), 'utf8').replace('{{js}}', js).replace('{{css}}', css);
fs.writeFileSync(path.join(out, 'index.html'), shell);

const files = [];
for (const [name, file] of [['index.html', path.join(out, 'index.html')], ...outputs.map((name) => [`assets/${name}`, path.join(assets, name)])]) {
  const content = fs.readFileSync(file);
  const gzipped = zlib.gzipSync(content, { level: 9 });
  if (name.startsWith('assets/')) fs.writeFileSync(`${file}.gz`, gzipped);
  files.push({ name, bytes: content.length, gzipBytes: gzipped.length });
}
const firstPageGzipBytes = files.reduce((sum, file) => sum + file.gzipBytes, 0);
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ budgetGzipBytes: BUDGET_GZIP_BYTES, firstPageGzipBytes, files }, null, 2));
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`console: ${files.map((f) => `${f.name} ${kb(f.gzipBytes)}`).join(', ')} gzipped; first page ${kb(firstPageGzipBytes)} of ${kb(BUDGET_GZIP_BYTES)}`);
if (firstPageGzipBytes > BUDGET_GZIP_BYTES) {
  console.error(`console: the first page is ${kb(firstPageGzipBytes)} gzipped, over its budget of ${kb(BUDGET_GZIP_BYTES)}`);
  process.exit(1);
}
