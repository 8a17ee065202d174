/**
 * The baseline of API benchmarks: plain Fastify, the same version and logger setting as Sluice,
 * one route answering a constant JSON object. Started as its own process by servers.ts with
 * PORT, HOST and LOG_LEVEL; what Sluice costs on top of this is what a benchmark ratio shows.
 * With ROWS_FILE (a JSON array), also `/rows`: those rows, held in memory and serialized on each
 * request, the floor of any list route answering them.
 */
import fs from 'node:fs';
import Fastify from 'fastify';

const CONSTANT = { id: '5b1c1a8e-0d3c-4d7e-9f43-2a6f1d0c9b11', name: 'constant', state: 'ready', versionNumber: 1 };

const app = Fastify({ logger: { level: process.env.LOG_LEVEL || 'warn' } });
app.get('/constant', async () => CONSTANT);
if (process.env.ROWS_FILE) {
  const rows: unknown = JSON.parse(fs.readFileSync(process.env.ROWS_FILE, 'utf8'));
  app.get('/rows', async () => rows);
}

const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST || '127.0.0.1' });
