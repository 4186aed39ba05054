// `pnpm bench` end to end at a tiny size, so a fresh clone is known to run it (the figures
// themselves come from real runs, see README.md).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

it('runs every suite and checks that every tool wrote the same rows (in the same order for the sort; group-by, join and distinct too)', () => {
  const r = spawnSync(process.execPath, [MAIN, '--rows', '3000', '--runs', '1', '--suite', 'batch,stream,sort,groupby,join,distinct', '--stream-events', '20000', '--latency-events', '500'], { encoding: 'utf8', timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/✓ all outputs hold the same rows/);
  expect(r.stdout).toMatch(/PYpeline stages/);
  expect(r.stdout).toMatch(/✓ sort outputs hold the same rows in the same order/);
  for (const name of ['groupby', 'join', 'distinct']) expect(r.stdout).toMatch(new RegExp(`✓ ${name} outputs hold the same rows`));
  expect(r.stdout).toMatch(/streaming throughput/);
  expect(r.stdout).toMatch(/key_by \+ tumbling count/);
  expect(r.stdout).toMatch(/end-to-end latency through NATS JetStream|NATS latency case skipped/);
}, 360_000);
