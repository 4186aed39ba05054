import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * Every request but `GET /health` needs `Authorization: Bearer <token>` with one of `tokens`.
 * The check runs before the body is read, so a refused request does nothing.
 */
export function installBearerAuth(app: FastifyInstance, tokens: string[]): void {
  const digests = tokens.map(digest);
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' && request.url.split('?')[0] === '/health') return;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const given = m ? digest(m[1]) : undefined;
    if (given && digests.some((d) => timingSafeEqual(d, given))) return;
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="pype"')
      .send({ error: m ? 'invalid bearer token' : 'missing bearer token', hint: 'send Authorization: Bearer <token>, a token from the server configuration (PYPE_SERVE_TOKEN or --token-file)' });
  });
}

// Comparing fixed-length digests keeps the comparison constant-time whatever the token length.
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
