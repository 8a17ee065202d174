import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { CONSOLE_DIST } from '../../src/http/console/assets.js';

/** The console as `npm run build` left it in dist/console (scripts/build-console.mjs). */
describe('the built console', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(CONSOLE_DIST, 'manifest.json'), 'utf8')) as {
    budgetGzipBytes: number;
    firstPageGzipBytes: number;
    files: { name: string; bytes: number; gzipBytes: number }[];
  };

  it('keeps its first page within 150 KB gzipped, measured on the files served', () => {
    assert.equal(manifest.budgetGzipBytes, 150 * 1024);
    let total = 0;
    for (const file of manifest.files) {
      const content = fs.readFileSync(path.join(CONSOLE_DIST, file.name));
      assert.equal(content.length, file.bytes, file.name);
      total += zlib.gzipSync(content, { level: 9 }).length;
    }
    assert.equal(total, manifest.firstPageGzipBytes);
    assert.ok(total <= 150 * 1024, `first page ${total} bytes gzipped`);
  });

  it('loads nothing from elsewhere: the page names only its own script and stylesheet', () => {
    const html = fs.readFileSync(path.join(CONSOLE_DIST, 'index.html'), 'utf8');
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(urls.filter((url) => !url.startsWith('/console/assets/') && url !== 'data:,'), []);
    assert.equal(urls.filter((url) => url.startsWith('/console/assets/')).length, 2);
    for (const file of manifest.files.filter((f) => f.name.startsWith('assets/'))) {
      const text = fs.readFileSync(path.join(CONSOLE_DIST, file.name), 'utf8');
      assert.doesNotMatch(text, /https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}\//i, `${file.name} names another site`);
    }
  });
});
