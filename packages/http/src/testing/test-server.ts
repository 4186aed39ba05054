import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** A request the test server received, body read. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. `/items?page=2`. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What a test's handler answers: status, headers and a body (objects sent as JSON). */
export interface TestAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request so far, in order. */
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

const open = new Set<TestServer>();

/** Closes every test server still open: `afterEach(closeTestServers)`. */
export async function closeTestServers(): Promise<void> {
  await Promise.all([...open].map((s) => s.close()));
}

/**
 * A local HTTP server on a free port for tests of HTTP clients: each request (its body read) goes
 * to `handle`, whose answer is sent; a handler that throws answers 500 with the message.
 */
export async function startTestServer(handle: (request: ReceivedRequest, index: number) => TestAnswer | Promise<TestAnswer>): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      Promise.resolve()
        .then(() => handle(received, requests.length - 1))
        .then((answer) => reply(res, answer), (error: Error) => reply(res, { status: 500, body: error.message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  const test: TestServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      if (!open.delete(test)) return Promise.resolve();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  open.add(test);
  return test;
}

function reply(res: ServerResponse, answer: TestAnswer): void {
  const text = typeof answer.body === 'string' ? answer.body : answer.body === undefined ? '' : JSON.stringify(answer.body);
  const type = typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(answer.status ?? 200, { 'content-type': type, ...answer.headers });
  res.end(text);
}
