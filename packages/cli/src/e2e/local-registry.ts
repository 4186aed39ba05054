import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '@pypeline/test-services';

export interface LocalRegistry {
  url: string;
  /** An npmrc that routes the given scopes to this registry and carries the publish token. */
  npmrc(scopes: string[]): string;
  stop(): Promise<void>;
}

/**
 * Starts Verdaccio on a free 127.0.0.1 port with its own storage, no uplinks (it serves only
 * what the test publishes), and one user whose token the returned npmrc carries.
 */
export async function startLocalRegistry(): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'pype-registry-'));
  mkdirSync(join(dir, 'storage'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, [
    `storage: ${join(dir, 'storage')}`,
    'auth:',
    '  htpasswd:',
    `    file: ${join(dir, 'htpasswd')}`,
    '    max_users: 10',
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    'max_body_size: 200mb',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n'));
  const port = await freePort();
  const bin = createRequire(import.meta.url).resolve('verdaccio/bin/verdaccio');
  const child = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitUntilUp(url, child, () => log);
    const token = await createUser(url);
    const host = url.replace(/^http:/, '');
    return {
      url,
      npmrc: (scopes) => [...scopes.map((s) => `${s}:registry=${url}`), `${host}:_authToken=${token}`, ''].join('\n'),
      stop: async () => {
        await stop(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// Polls /-/ping for up to 60 s: Verdaccio loads its plugins before it listens.
async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const answers = async () => {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${log()}`);
    return (await fetch(`${url}-/ping`).catch(() => undefined))?.ok === true; // undefined: not listening yet
  };
  await until(answers, () => `verdaccio to answer on ${url}:\n${log()}`, 60_000, 250);
}

async function createUser(url: string): Promise<string> {
  const res = await fetch(`${url}-/user/org.couchdb.user:pype-test`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'pype-test', password: 'pype-test-password' }),
  });
  const body = (await res.json()) as { token?: string };
  if (!res.ok || !body.token) throw new Error(`cannot create a verdaccio user: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
