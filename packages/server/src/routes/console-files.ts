import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';

/** The console's built files (`@pypeline/console`'s `dist/`), or undefined when it is not built. */
export function consoleFiles(): string | undefined {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@pypeline/console/package.json')), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The web console at /console/ (and / leads there): static files only, open without a token,
 * since they hold no data; the page asks for the token and sends it with every API call.
 */
export async function consoleRoutes(app: FastifyInstance, root = consoleFiles()): Promise<void> {
  app.get('/', async (_request, reply) => reply.redirect('/console/'));
  if (!root) {
    app.get('/console/*', async () => {
      throw new HttpError(404, 'the web console is not built', { hint: 'build it with `pnpm nx build @pypeline/console` (the API answers without it)' });
    });
    return;
  }
  await app.register(fastifyStatic, { root, prefix: '/console/', redirect: true, index: ['index.html'], maxAge: 0 });
}
