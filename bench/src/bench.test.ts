// `pnpm bench` end to end at a tiny size, so a fresh clone is known to run it (the figures
// themselves come from real runs, see README.md).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

it('runs every suite and checks that every tool wrote the same rows (in the same order for the sort; group-by, join and distinct too)', () => {
  const r = spawnSync(process.execPath, [MAIN, '--rows', '3000', '--runs', '1', '--suite', 'batch,stream,sort,groupby,join,distinct', '--stream-events', '20000', '--latency-events', '500', '--broker-events', '2000'], { encoding: 'utf8', timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/PYpeline stages on the plain data/);
  expect(r.stdout).toMatch(/PYpeline stages on the realistic data/);
  expect(r.stdout).toMatch(/CSV → age > 18 → Parquet, 3000 rows, 1 runs each, plain and realistic data/);
  expect(r.stdout.match(/✓ all outputs hold the same rows/g)).toHaveLength(2);
  expect(r.stdout).toMatch(/✓ sort outputs hold the same rows in the same order/);
  for (const name of ['groupby', 'join', 'distinct']) expect(r.stdout).toMatch(new RegExp(`✓ ${name} outputs hold the same rows`));
  expect(r.stdout).toMatch(/streaming throughput/);
  expect(r.stdout).toMatch(/key_by \+ tumbling count/);
  expect(r.stdout).toMatch(/end-to-end latency through NATS JetStream|NATS latency case skipped/);
  // The broker cases: each broker measured beside its plain client, or skipped with the reason.
  expect(r.stdout).toMatch(/brokers: a stream app vs a plain client loop with the same library doing the same work, 2000 events/);
  for (const broker of ['Redis Streams', 'NATS JetStream', 'MQTT']) expect(r.stdout).toMatch(new RegExp(`${broker}[^\\n]*(plain client|skipped)`));
}, 360_000);

it('times pype start-up beside node -e 0 and prints each case against its goal', () => {
  const r = spawnSync(process.execPath, [MAIN, '--suite', 'startup', '--runs', '1'], { encoding: 'utf8', timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/start-up, wall time spawn to exit, median of 5 runs/);
  for (const c of ['node -e 0', 'pype --version', 'pype --help', 'pype run trivial.yaml', 'pype run trivial.ts']) expect(r.stdout).toContain(`'${c}'`);
  expect(r.stdout).toMatch(/≤ 0\.5 s [✓✗]/);
}, 360_000);

it('runs the distributed bench several times and prints medians against both goals', () => {
  const r = spawnSync(process.execPath, [MAIN, '--suite', 'distributed', '--runs', '2', '--dist-modules', '4', '--dist-tasks', '3'], { encoding: 'utf8', timeout: 600_000 });
  expect(r.status, r.stderr).toBe(0);
  if (process.env.PYPE_REQUIRE_SERVICES !== '1' && /distributed bench skipped/.test(r.stdout)) return; // no Redis here: the reason is printed
  expect(r.stdout).toMatch(/distributed: 4 modules × 100 ms fanned out \(worker concurrency 1\), 2 runs, medians/);
  expect(r.stdout).toMatch(/4 workers vs 1, median of the runs' ratios: [\d.]+x [✓✗] \(goal ≥ 3\.5x\)/);
  expect(r.stdout).toMatch(/ratio, median of the runs \(goal ≤ 2x\)/);
  expect(r.stdout).toMatch(/bare BullMQ round trip/);
}, 660_000);

it('runs the window case and checks that window_mod and DuckDB agree on every id', () => {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('../dist/window-bench.js', import.meta.url)), '--rows', '3000', '--runs', '1'], { encoding: 'utf8', timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/✓ both outputs hold the same window values for every id/);
}, 360_000);
