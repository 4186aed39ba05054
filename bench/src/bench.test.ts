// `pnpm bench` end to end at a tiny size, so a fresh clone is known to run it (the figures
// themselves come from real runs, see README.md).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

it('runs every suite and checks that every tool wrote the same rows (in the same order for the sort)', () => {
  const r = spawnSync(process.execPath, [MAIN, '--rows', '3000', '--runs', '1', '--suite', 'batch,stream,sort', '--stream-events', '20000', '--latency-events', '500'], { encoding: 'utf8', timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/PYpeline stages on the plain data/);
  expect(r.stdout).toMatch(/PYpeline stages on the realistic data/);
  expect(r.stdout).toMatch(/CSV → age > 18 → Parquet, 3000 rows, 1 runs each, plain and realistic data/);
  expect(r.stdout.match(/✓ all outputs hold the same rows/g)).toHaveLength(2);
  expect(r.stdout).toMatch(/✓ sort outputs hold the same rows in the same order/);
  expect(r.stdout).toMatch(/streaming throughput/);
  expect(r.stdout).toMatch(/key_by \+ tumbling count/);
  expect(r.stdout).toMatch(/end-to-end latency through NATS JetStream|NATS latency case skipped/);
}, 360_000);
