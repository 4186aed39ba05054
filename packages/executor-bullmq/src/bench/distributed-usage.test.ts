// `pnpm bench:distributed --help` prints usage; an unknown option prints it too, naming the
// option, and exits 2, without touching Redis or starting workers. A bench that cannot start
// (Redis away) or is stopped mid-run leaves no worker processes and no queues in Redis.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { describeWithService, serviceAddress, until } from '@pypeline/test-services';
import { KEY_PREFIX } from '../queue-names.js';

const BENCH = fileURLToPath(new URL('../../dist/bench/distributed.js', import.meta.url));
const bench = (args: string[]) => spawnSync(process.execPath, [BENCH, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, PYPE_REDIS_URL: 'redis://127.0.0.1:1' } });

it('prints usage for --help and -h and exits 0', () => {
  for (const flag of ['--help', '-h']) {
    const r = bench(['--', flag]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^pnpm bench:distributed \[-- options\]/);
    expect(r.stdout).toMatch(/--workers LIST/);
    expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS/);
  }
});

it('names an unknown option, prints usage and exits 2', () => {
  const r = bench(['--wrokers', '2']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/✗ Unknown option '--wrokers'/);
  expect(r.stderr).toMatch(/--workers LIST/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

it('names a bad count, prints usage and exits 2', () => {
  const r = bench(['--workers', '1,x']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/✗ --workers x: expected a whole number of at least 1/);
});

/** Whether process `pid` still runs. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('stops with one line when Redis does not answer, before starting any worker', () => {
  const r = bench(['--workers', '2', '--modules', '2', '--ms', '0', '--tasks', '2']);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/✗ cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  expect(r.stderr).not.toMatch(/started \d+ worker/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

describeWithService('redis', 'a bench stopped mid-run', () => {
  const { host, port } = serviceAddress('redis');
  const url = `redis://${host}:${port}`;

  it('stops its worker processes and removes its queues from Redis', async () => {
    // Long naps: SIGTERM arrives while the workers run the fan-out.
    const child = spawn(process.execPath, [BENCH, '--workers', '2', '--modules', '4', '--ms', '1000', '--tasks', '2', '--redis', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await until(() => /started 2 worker process\(es\) on queue \S+: \d+, \d+/.test(err) || child.exitCode !== null, () => `the bench did not start its workers:\n${err}`, 120_000, 100);
    const [, queue, pids] = /on queue (\S+): (\d+, \d+)/.exec(err)!;
    const workers = pids.split(', ').map(Number);
    expect(workers.every(alive)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(err).toMatch(/SIGTERM: stopping the workers/);
    await until(() => !workers.some(alive), () => `worker processes ${workers.filter(alive).join(', ')} still run`, 30_000, 100);
    const redis = new Redis(url);
    try {
      expect(await redis.keys(`${KEY_PREFIX}:${queue}*`)).toEqual([]);
      expect(await redis.keys(`${KEY_PREFIX}:pype-bench-${child.pid}-*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
}, 180_000);
