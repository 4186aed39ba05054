// `pnpm bench:distributed --help` prints usage; an unknown option prints it too, naming the
// option, and exits 2, without touching Redis or starting workers.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

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
