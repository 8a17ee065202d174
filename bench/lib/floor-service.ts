/**
 * The floor of the activate benchmark: the least a service can do and still be a service of
 * this shape. POST /runs stores a row, starts `java -cp <jar> <class>` itself (no wrapper, no
 * files, no launcher, no claim, no auth, no checks) and answers 202; when the process exits the
 * row says so; GET /runs/:id reads the row. The JVM is spawned from Sluice's launcher helper,
 * as Sluice does: spawning from a process holding PGlite (~800 MB) costs ~10 ms per fork. Same store kinds as Sluice (PGlite in a folder, or
 * a PostgreSQL schema), same Fastify. Started as its own process by servers.ts with PORT, HOST
 * and SLUICE_DATA_DIR or DATABASE_URL + SLUICE_DATABASE_SCHEMA; JAVA, JAR and MAIN_CLASS name
 * the job. What Sluice adds over this is Sluice's; what this adds over a bare JVM, no service
 * that stores a run and is watched through an API can avoid.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';
import pg from 'pg';
import { JobLauncher } from '../../src/runtimes/local-jvm/launcher.js';

type Query = (sql: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

async function openStore(): Promise<{ query: Query; close: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const schema = process.env.SLUICE_DATABASE_SCHEMA ?? 'public';
    const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
    await pool.query(`create schema if not exists "${schema.replaceAll('"', '""')}"`);
    return { query: (sql, params) => pool.query(sql, params), close: () => pool.end() };
  }
  const db = await PGlite.create(`${process.env.SLUICE_DATA_DIR}/floor`);
  return { query: (sql, params) => db.query(sql, params), close: () => db.close() };
}

const { JAVA = 'java', JAR, MAIN_CLASS } = process.env;
if (!JAR || !MAIN_CLASS) throw new Error('floor service: JAR and MAIN_CLASS must be set');

const store = await openStore();
await store.query('create table if not exists floor_runs (id text primary key, state text not null, exit_code integer)', []);

const app = Fastify({ logger: { level: process.env.LOG_LEVEL || 'warn' } });
app.get('/health', async () => ({ ok: true }));
const launcher = new JobLauncher((id, code) => {
  void store.query('update floor_runs set state = $2, exit_code = $3 where id = $1', [id, code === 0 ? 'completed' : 'failed', code])
    .catch((error) => app.log.error(error));
});
app.post('/runs', async (_request, reply) => {
  const id = randomUUID();
  await store.query("insert into floor_runs (id, state) values ($1, 'running')", [id]);
  await launcher.spawn({
    jobId: id,
    command: JAVA,
    args: ['-cp', JAR, MAIN_CLASS],
    cwd: os.tmpdir(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    logFile: '/dev/null',
  });
  return reply.code(202).send({ id });
});
app.get<{ Params: { id: string } }>('/runs/:id', async (request, reply) => {
  const { rows } = await store.query('select id, state, exit_code from floor_runs where id = $1', [request.params.id]);
  return rows[0] ?? reply.code(404).send({});
});

const stop = async () => {
  await app.close();
  launcher.close();
  await store.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST || '127.0.0.1' });
