import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ApiClient, ApiResponse } from './api-client.js';
import { UsageError } from './errors.js';
import { progressBar } from './terminal.js';

/**
 * `POST /v2/packages` with the JAR streamed from disk (never whole in memory) in a multipart
 * body built by hand, so that its bytes can be counted for the progress bar and its length
 * sent up front (the service refuses an oversized upload before reading it).
 */
export async function uploadJar(api: ApiClient, file: string, showProgress: boolean): Promise<ApiResponse<{ id: string }>> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile()) throw new UsageError(`${file} is not a file`);
  const boundary = `sluice-${randomBytes(12).toString('hex')}`;
  const name = path.basename(file).replace(/["\r\n]/g, '_');
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="jarPackage"; filename="${name}"\r\nContent-Type: application/java-archive\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const bar = progressBar(`uploading ${name}`, stat.size, showProgress);
  async function* parts() {
    yield head;
    for await (const chunk of createReadStream(file)) {
      bar.advance((chunk as Buffer).length);
      yield chunk as Buffer;
    }
    yield tail;
  }
  try {
    return await api.request('POST', '/v2/packages', {
      raw: {
        body: Readable.toWeb(Readable.from(parts())) as unknown as BodyInit,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + stat.size + tail.length) },
        duplex: true,
      },
    });
  } finally {
    bar.stop();
  }
}
