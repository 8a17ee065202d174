import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { openBrowser, type TestBrowser } from '../helpers/browser.js';
import { exampleJarPath } from '../helpers/lifecycle.js';
import { createStore, startTestServer, tokenFor, type Store, type TestServer, jobDataDir } from '../helpers/server.js';
import { GROUP, OTHER_REALM, REALM } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Committed: README shows it (docs/console-version.png, seen from dist/test/e2e). */
const SCREENSHOT = path.resolve(here, '../../../docs/console-version.png');

/**
 * The console as a person uses it, in Debian's Chromium: the sign-in link `sluice serve` prints,
 * then everything through the pages (no API call from the test), and every change seen without
 * reloading the page. On the embedded default (PGlite), the only store that prints the link; the
 * routes the pages read are API-tested on both stores (test/api/console.test.ts).
 */
describe('console in a browser [pglite]', () => {
  let store: Store;
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let work: string;
  let signInLink: string;
  let streamVersionUrl: string;

  before(async () => {
    work = await jobDataDir('sluice-console-');
    await fs.writeFile(path.join(work, 'in.txt'), 'the quick fox\njumps over\nthe lazy dog\nand the cat\nsleeps on\nthe mat\n');
    store = await createStore('pglite', 'console e2e');
    server = await startTestServer(store, { SLUICE_REALM: REALM, SLUICE_STOP_GRACE_MS: '2000' });
    // Printed just after the line startTestServer waits for.
    signInLink = await waitFor(async () => /(http:\/\/\S+\/console\/sign-in#code=\S+)/.exec(server.output())?.[1], { what: 'the sign-in link' });
    browser = await openBrowser();
    page = await browser.context.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await store?.dispose();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  const region = (name: string) => page.getByRole('region', { name, exact: true });
  const dialogButton = (name: string) => page.getByRole('dialog').getByRole('button', { name, exact: true });
  const versionState = (state: string) => page.locator('.version-state').getByText(state, { exact: true }).waitFor({ timeout: 60_000 });
  const newestJob = () => region('Jobs').locator('tbody tr').first();
  /** The page was never reloaded: a mark set once on the window is still there. */
  const notReloaded = async () => assert.equal(await page.evaluate(() => (window as unknown as { mark?: string }).mark), 'set once');

  async function createPipeline(name: string) {
    await page.getByRole('link', { name: 'Pipelines', exact: true }).click();
    await page.getByText('New pipeline', { exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Group ID').fill(GROUP);
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    await page.getByRole('heading', { name, exact: true }).waitFor();
  }

  async function createVersion(name: string, fields: { template: string; input?: string; properties: string }) {
    await page.getByText('New version', { exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Template').selectOption({ label: fields.template });
    if (fields.input) await page.getByLabel('Input catalog "text"').fill(fields.input);
    await page.getByLabel('Output catalog HRN').fill('hrn:here:data:::console-output');
    await page.getByLabel('Runtime configuration').fill(fields.properties);
    await page.getByRole('button', { name: 'Create version' }).click();
    await page.locator('.version-state').waitFor();
  }

  async function upload(example: string, template: { name: string; runtime: string; inputs: string }) {
    await page.getByRole('link', { name: 'Templates and packages' }).click();
    await page.getByLabel('JAR file').setInputFiles(exampleJarPath(example));
    await page.getByRole('button', { name: 'Upload package' }).click();
    await region('Packages').getByText(`${example}.jar`).first().waitFor();
    const form = region('New template');
    await form.getByLabel('Name').fill(template.name);
    await form.getByLabel('Runtime environment').selectOption(template.runtime);
    await form.getByLabel('Input catalog ids').fill(template.inputs);
    await form.getByLabel('Group ID').fill(GROUP);
    await form.getByRole('button', { name: 'Create template' }).click();
    // Created, then checked by the service: the row moves from creating to created by itself.
    await region('Templates').getByRole('row', { name: new RegExp(template.name) }).getByText('created', { exact: true }).waitFor();
  }

  async function openLog(row: Locator, text: RegExp) {
    await row.getByRole('button', { name: 'View log' }).click();
    await page.getByLabel('Job log').filter({ hasText: text }).waitFor({ timeout: 60_000 });
  }

  it('signs in with the link sluice serve printed, once', async () => {
    assert.doesNotMatch(server.output(), /eyJ[\w-]+\.[\w-]+\.[\w-]+/, 'a token appeared in the server output');
    await page.goto(signInLink);
    await page.getByRole('heading', { name: 'Pipelines', exact: true }).waitFor();
    assert.doesNotMatch(page.url(), /code=/, 'the code stayed in the address bar');
    await page.evaluate(() => { (window as unknown as { mark: string }).mark = 'set once'; });
    const again = await browser.context.newPage();
    await again.goto(signInLink);
    await again.getByRole('alert').getByText(/already used or has expired/).waitFor();
    await again.close();
  });

  it('uploads the example JAR and creates a template, a pipeline and a version', async () => {
    await upload('batch-word-count', { name: 'word-count', runtime: 'batch-3.0.0', inputs: 'text' });
    await createPipeline('word-count');
    const properties = `wordcount.input=${work}/in.txt\nwordcount.output=${work}/out.txt\nwordcount.line-delay-ms=700`;
    await createVersion('first', { template: 'word-count (batch-3.0.0)', input: 'hrn:here:data:::console-texts', properties });
    await page.getByRole('heading', { name: /first/ }).waitFor();
    await notReloaded();
  });

  it('activates it and watches the job go running, then completed, and reads its log', async () => {
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await dialogButton('Activate').click();
    await newestJob().getByText('running', { exact: true }).waitFor({ timeout: 60_000 });
    await versionState('running');
    await newestJob().getByText('completed', { exact: true }).waitFor({ timeout: 60_000 });
    await versionState('ready');
    await region('Operations').getByText('job terminate to ready').waitFor();
    await openLog(newestJob(), /counted \d+ distinct words/);
    assert.match(await fs.readFile(path.join(work, 'out.txt'), 'utf8'), /^the\t4$/m);
    await notReloaded();
  });

  it('shows why a job failed', async () => {
    await page.getByRole('link', { name: 'word-count', exact: true }).click();
    await createVersion('broken', { template: 'word-count (batch-3.0.0)', input: 'hrn:here:data:::console-texts', properties: `wordcount.input=${work}/missing\nwordcount.output=${work}/never.txt` });
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await dialogButton('Activate').click();
    const job = newestJob();
    await job.getByText('failed', { exact: true }).waitFor({ timeout: 60_000 });
    await job.getByText(/exit code 1/).waitFor();
    await job.getByText(/does not exist/).waitFor();
    await notReloaded();
  });

  it('deletes a version after confirmation', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialogButton('Delete').click();
    const versions = region('Versions');
    await versions.getByRole('link', { name: 'first', exact: true }).waitFor();
    assert.equal(await versions.getByRole('link', { name: 'broken', exact: true }).count(), 0);
  });

  it('pauses a stream version with a snapshot and resumes it from there', async () => {
    await upload('stream-counter', { name: 'counter', runtime: 'stream-5.0', inputs: '' });
    await createPipeline('counter');
    await createVersion('live', { template: 'counter (stream-5.0)', properties: `counter.output=${work}/counts.txt\ncounter.interval-ms=50` });
    streamVersionUrl = page.url();
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await dialogButton('Activate').click();
    await versionState('running');
    await newestJob().getByText('running', { exact: true }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await dialogButton('Pause').click();
    await versionState('paused');
    const snapshots = region('Snapshots and checkpoints');
    await snapshots.getByText(/snapshot [0-9a-f-]{36}/).waitFor();
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await dialogButton('Resume').click();
    await versionState('running');
    await openLog(newestJob(), /restored count \d+ from/);
    await newestJob().getByText('running', { exact: true }).waitFor({ timeout: 60_000 });
    await region('Operations').locator('li').first().getByText('succeeded', { exact: true }).waitFor({ timeout: 60_000 });
    await notReloaded();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // A narrow window: nothing wider than the window, so nothing to scroll sideways.
    await page.setViewportSize({ width: 360, height: 800 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows the API\'s own error where an action is refused, all by keyboard', async () => {
    await page.getByRole('link', { name: 'counter', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Delete pipeline' }).focus();
    await page.keyboard.press('Enter');
    // The dialog takes the focus to its first button, Delete: Enter confirms.
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').getByRole('alert').getByText(/has an active version/).waitFor();
    await page.getByRole('dialog').getByText('E1412').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'counter', exact: true }).waitFor();
  });

  it('shows another realm\'s token none of it', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Token').fill(await tokenFor({ realm: OTHER_REALM, roles: ['OrgAdmin'], subject: 'someone-else' }));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('No pipelines yet.').waitFor();
    await page.getByRole('link', { name: 'Templates and packages' }).click();
    await page.getByText('No templates yet.').waitFor();
    await page.getByText('No packages yet.').waitFor();
    await page.goto(streamVersionUrl);
    await page.getByRole('alert').getByText(/was not found/).waitFor();
    assert.equal(await page.getByText('live').count(), 0);
  });

  it('signs in with an app\'s credentials.properties, and says so when the secret is wrong', async () => {
    const orgAdmin = await tokenFor({ realm: REALM, roles: ['OrgAdmin'] });
    const created = await fetch(`${server.url}/sluice/v1/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${orgAdmin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'console-bot', roles: ['OrgAdmin'] }),
    });
    assert.equal(created.status, 201);
    const { credentials } = await created.json() as { credentials: string };
    const tampered = credentials.replace(/(here\.access\.key\.secret\s*=\s*)(\S)/, (_all, key: string, first: string) => key + (first === 'A' ? 'B' : 'A'));
    assert.notEqual(tampered, credentials);

    const secret = /here\.access\.key\.secret\s*=\s*(\S+)/.exec(credentials)![1];
    const sent: string[] = [];
    const record = (request: import('playwright-core').Request) => { sent.push(`${JSON.stringify(request.headers())} ${request.postData() ?? ''}`); };
    page.on('request', record);
    await page.getByRole('button', { name: 'Sign out' }).click();
    const file = (text: string) => ({ name: 'credentials.properties', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await page.getByLabel('App credentials').setInputFiles(file(tampered));
    await page.getByRole('button', { name: 'Sign in with credentials' }).click();
    await page.getByRole('alert').getByText(/signature does not match/).waitFor();

    await page.getByLabel('App credentials').setInputFiles(file(credentials));
    await page.getByRole('button', { name: 'Sign in with credentials' }).click();
    await page.getByRole('heading', { name: 'Pipelines', exact: true }).waitFor();
    await page.getByRole('link', { name: 'counter', exact: true }).waitFor();
    page.off('request', record);
    assert.ok(sent.some((request) => request.includes('oauth_signature')), 'no signed token request was seen');
    assert.ok(!sent.some((request) => request.includes(secret)), 'the access key secret left the browser');
  });
});
