import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: Record<string, string>;
  body: string;
  /** What the receiver answered: a status, or 'hung' (it never answered). */
  answered: number | 'hung';
  /** Order of answering among all requests (successful or not). */
  at: number;
}

export type Behaviour = (request: { count: number; body: string }) => number | 'hang';

/**
 * A real HTTP endpoint on 127.0.0.1 for webhook tests. `behaviour` decides each answer (a
 * status, or never answering); `release()` ends the hung requests (their connection is destroyed).
 */
export async function startReceiver(initial: Behaviour = () => 204) {
  let behaviour = initial;
  let count = 0;
  const received: Received[] = [];
  const hung = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      const answer = behaviour({ count: ++count, body });
      const entry: Received = { headers, body, answered: answer === 'hang' ? 'hung' : answer, at: count };
      received.push(entry);
      if (answer === 'hang') {
        hung.add(response);
        response.on('close', () => hung.delete(response));
        return;
      }
      response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** Requests in flight that the receiver holds without answering. */
    hanging: () => hung.size,
    setBehaviour(next: Behaviour) {
      behaviour = next;
    },
    release() {
      for (const response of hung) response.destroy();
    },
    async close() {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
