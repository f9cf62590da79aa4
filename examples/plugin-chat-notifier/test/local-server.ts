import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server got it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as sent (the raw query shows how the signature was encoded). */
  url: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the server answers: a status and a JSON (or raw text) body, or `hang` (never answers). */
export type Answer = { status?: number; json?: unknown; text?: string } | 'hang';

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  received: ReceivedRequest[];
  /** Decides the answer to each request; tests swap it. */
  answer: (req: ReceivedRequest) => Answer;
  close(): Promise<void>;
}

/** A real HTTP server on a free local port, standing in for a robot or a weather service. */
export async function startLocalServer(
  answer: (req: ReceivedRequest) => Answer,
): Promise<LocalServer> {
  const state = { received: [] as ReceivedRequest[], answer };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const got: ReceivedRequest = {
        method: req.method ?? '',
        url,
        query: new URL(url, 'http://local').searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.received.push(got);
      const a = state.answer(got);
      if (a === 'hang') return;
      if (a.json !== undefined) {
        res.writeHead(a.status ?? 200, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(a.json));
      } else {
        res.writeHead(a.status ?? 200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(a.text ?? '');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    get received() {
      return state.received;
    },
    set received(list) {
      state.received = list;
    },
    get answer() {
      return state.answer;
    },
    set answer(fn) {
      state.answer = fn;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A free port nothing listens on (for connection-refused cases). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
