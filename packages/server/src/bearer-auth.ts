import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Every request but `GET /health` and the console's static files (no data in them: the console
 * reads everything through the API, with the same token) needs `Authorization: Bearer <token>`
 * with one of `tokens`. The check runs before the body is read, so a refused request does nothing.
 */
export function installBearerAuth(app: FastifyInstance, tokens: string[]): void {
  const digests = tokens.map(digest);
  app.addHook('onRequest', async (request, reply) => {
    if (isPublic(request)) return;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const given = m ? digest(m[1]) : undefined;
    if (given && digests.some((d) => timingSafeEqual(d, given))) return;
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="pype"')
      .send({ error: m ? 'invalid bearer token' : 'missing bearer token', hint: 'send Authorization: Bearer <token>, a token from the server configuration (PYPE_SERVE_TOKEN or --token-file)' });
  });
}

/**
 * A server without tokens (`pype serve --no-auth`, `pype ui`), which the cli lets listen on a
 * loopback address only. A web page the user has open elsewhere could still reach it through
 * the browser: a Host other than a loopback name (DNS rebinding) is refused, and so is a
 * request whose Origin is another site (a cross-site form or fetch).
 */
export function installLoopbackGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const host = hostName(request.headers.host ?? '');
    if (!LOOPBACK_NAMES.has(host)) {
      return reply.code(403).send({ error: `refused: Host ${request.headers.host ?? '(none)'} is not a loopback address`, hint: 'a server without tokens answers only http://127.0.0.1 or http://localhost; give it tokens (PYPE_SERVE_TOKEN) to serve other hosts' });
    }
    const origin = request.headers.origin;
    if (origin && origin !== 'null' && hostName(safeHost(origin)) !== host) {
      return reply.code(403).send({ error: `refused: a request from ${origin}, another site`, hint: 'open the console at the server\'s own address' });
    }
  });
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function hostName(hostHeader: string): string {
  return hostHeader.replace(/:\d+$/, '').toLowerCase();
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

function isPublic(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0];
  return path === '/health' || path === '/' || path === '/console' || path.startsWith('/console/');
}

// Comparing fixed-length digests keeps the comparison constant-time whatever the token length.
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
