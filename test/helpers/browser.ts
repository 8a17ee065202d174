import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it with apt-get); Playwright never downloads a browser here. */
export const CHROMIUM = process.env.SLUICE_TEST_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless, and silent towards the network: without the background-networking flags Chromium
 * tries Google's hosts at every start, which a closed network refuses many times over.
 */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a new, empty profile (its --user-data-dir), removed on close. */
export async function openBrowser(viewport = { width: 1280, height: 900 }): Promise<TestBrowser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium, as .ci/run does) or set SLUICE_TEST_CHROMIUM`);
  }
  const profile = await fsp.mkdtemp(path.join(os.tmpdir(), 'sluice-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
  context.setDefaultTimeout(30_000);
  return {
    context,
    async close() {
      await context.close();
      await fsp.rm(profile, { recursive: true, force: true });
    },
  };
}
