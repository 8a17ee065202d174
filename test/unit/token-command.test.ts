import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { lifetimeSeconds } from '../../src/cli/arguments.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** `sluice token` in a data folder of its own, with no SLUICE_* settings from the caller's shell. */
function token(args: string[], env: Record<string, string> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-token-'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLUICE_') && k !== 'DATABASE_URL'));
  const result = spawnSync(process.execPath, [CLI, 'token', ...args], { env: { ...clean, SLUICE_DATA_DIR: dataDir, ...env }, encoding: 'utf8' });
  fs.rmSync(dataDir, { recursive: true, force: true });
  return result;
}

describe('sluice token', () => {
  it('reads lifetimes and refuses any that is not positive', () => {
    assert.equal(lifetimeSeconds('12h'), 43_200);
    assert.equal(lifetimeSeconds('30m'), 1800);
    assert.equal(lifetimeSeconds('7d'), 604_800);
    assert.equal(lifetimeSeconds('1.5h'), 5400);
    for (const bad of ['-5h', '0h', '5', 'h', '5 years', '-0s', '']) {
      assert.throws(() => lifetimeSeconds(bad), /--expires must be a positive duration/, bad);
    }
  });

  it('refuses --expires -5h with a message and a non-zero exit, printing no token', () => {
    const result = token(['--expires', '-5h']);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /--expires must be a positive duration.*"-5h"/);
  });

  it('prints a token that expires as asked', () => {
    const result = token(['--expires', '2h']);
    assert.equal(result.status, 0, result.stderr);
    const claims = decodeJwt(result.stdout.trim());
    assert.ok(Math.abs(claims.exp! - claims.iat! - 7200) <= 1);
  });

  it('refuses a SLUICE_JWT_SECRET shorter than 32 bytes', () => {
    const result = token([], { SLUICE_JWT_SECRET: 'short-secret' });
    assert.notEqual(result.status, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /SLUICE_JWT_SECRET must be at least 32 bytes, got 12/);
  });
});
