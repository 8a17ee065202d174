import fs from 'node:fs/promises';
import { buildJar, multipartWith } from './jars.js';
import { GROUP } from './suite.js';
import type { Request } from './server.js';

export const cluster = { workers: 2, workerUnits: 1, supervisorUnits: 1 };

let cachedJar: Promise<Buffer> | undefined;
/** One small real JAR per test process, with an entry point `com.example.Main`. */
export function exampleJar(): Promise<Buffer> {
  cachedJar ??= buildJar({ classes: ['com.example.Main'], mainClass: 'com.example.Main', entryPoints: ['com.example.Main'] })
    .then((file) => fs.readFile(file));
  return cachedJar;
}

export async function uploadPackage(api: Request): Promise<string> {
  const res = await api('POST', '/v2/packages', { rawBody: multipartWith('jarPackage', 'example.jar', await exampleJar()) });
  if (res.status !== 201) throw new Error(`upload failed: ${res.text}`);
  return res.body.id;
}

export function templateBody(packageId: string, overrides: Record<string, unknown> = {}) {
  return {
    name: 'example-template',
    packageId,
    entryPointClassName: 'com.example.Main',
    runtimeEnvironment: 'batch-3.0.0',
    defaultClusterConfiguration: cluster,
    inputCatalogIds: ['in'],
    groupId: GROUP,
    ...overrides,
  };
}

/** Creates a template and waits until its check has moved it out of `creating`. */
export async function createTemplate(api: Request, packageId: string, overrides: Record<string, unknown> = {}) {
  const res = await api('POST', '/v2/templates', { body: templateBody(packageId, overrides) });
  if (res.status !== 201) throw new Error(`template creation failed: ${res.text}`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const current = await api('GET', `/v2/templates/${res.body.id}`);
    if (current.body.state !== 'creating') return current.body;
    if (Date.now() > deadline) throw new Error('template stayed in creating');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
