// Stream flows through the real CLI: validate, run a YAML stream flow until Ctrl-C (a final
// checkpoint, exit 0), inspect it while it runs, and resume it.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { until } from '@pypeline/test-services';

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function pype(args: string[], cwd: string) {
  // The timeout ends a hung child: spawnSync blocks this process, so vitest's timeout could not.
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

function flow(dir: string): string {
  const file = join(dir, 'counts.yaml');
  writeFileSync(file, `flow: { name: tail_counts }
settings: { execution_mode: stream, checkpoint_interval: 200ms }
modules:
  - id: lines
    name: file_tail_source
    configs:
      required: { path: in.jsonl }
      optional: { event_time: ts, schema: { k: string, v: float64, ts: timestamp }, poll_ms: 20 }
  - id: per_second
    name: window_aggregate
    configs: { required: { window: { tumbling: 1s }, aggregates: { n: "count(*)", total: "sum(v)" } }, optional: { group_by: [k] } }
  - id: out
    name: file_sink
    configs: { required: { path: out.jsonl } }
connections:
  data:
    - "lines.data - per_second.input"
    - "per_second.output - out.input"
`);
  return file;
}

const events = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => JSON.stringify({ k: (from + j) % 2 ? 'odd' : 'even', v: 1, ts: (from + j) * 100 })).join('\n') + '\n';

describe('stream flows on the command line', () => {
  it('validates a broken stream flow: every problem with its line, exit 1, no stack', () => {
    const r = pype(['validate', 'examples/stream/sensor_counts.yaml'], ROOT);
    expect(r.out).toMatch(/is a valid stream flow: 5 modules/);
    expect(r.code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'pype-stream-cli-'));
    writeFileSync(join(dir, 'bad.yaml'), readFileSync(flow(dir), 'utf8').replace('tumbling: 1s', 'tumbling: 1 sec').replace('name: file_sink', 'name: file_snk'));
    const bad = pype(['validate', 'bad.yaml'], dir);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/bad\.yaml:\d+:\d+ error at modules\[1\]\.configs\.required\.window: per_second \(window_aggregate\): config "window": tumbling window size: "1 sec" is not a duration/);
    expect(bad.out).toMatch(/bad\.yaml:13:\d+ error at modules\[2\]\.name: "file_snk" is not available in stream flows \(did you mean "file_sink"\?\)/);
    expect(bad.out).not.toMatch(/\n\s+at /);
    const run = pype(['run', 'bad.yaml'], dir);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/2 problems found/);
  });

  it('a broker that is down: a clear error naming the node and the fix, exit 1, and the process ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-stream-cli-'));
    const r = spawnSync(process.execPath, [BIN, 'run', 'examples/stream/sensor_counts.ts', '--state-dir', dir], {
      cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, FORCE_COLOR: '0', MQTT_URL: 'mqtt://127.0.0.1:1' },
    });
    expect(r.error).toBeUndefined(); // not killed by the timeout: nothing kept the process alive
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/✗ stream app sensor_counts failed: source "readings" \(mqtt:\/\/127\.0\.0\.1:1 sensors\/#\) could not open: cannot connect to the MQTT broker/);
    expect(r.stderr).toMatch(/start Mosquitto \(or another MQTT broker\), or set url/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs until Ctrl-C with a final checkpoint, shows a live topology in pype inspect, and resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-stream-cli-'));
    flow(dir);
    writeFileSync(join(dir, 'in.jsonl'), events(0, 25));
    const start = () => {
      const child = spawn(process.execPath, [BIN, 'run', 'counts.yaml', '--progress', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      return { child, output: () => out, exited: new Promise<number | null>((r) => child.on('exit', r)) };
    };
    const rows = () => (existsSync(join(dir, 'out.jsonl')) ? readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, number | string>) : []);

    const first = start();
    onTestFinished(() => void first.child.kill('SIGKILL'));
    // [0 s, 1 s) closed by events up to 2.4 s
    await until(() => rows().length >= 2, () => `2 rows in out.jsonl; pype run's output:\n${first.output()}`, 60_000);
    // metrics.json is rewritten every second: wait for one written after the rows went through
    let live = pype(['inspect', 'counts.yaml'], dir);
    await until(() => /lines\s+file-tail\s+—\s+—\s+25\s/.test((live = pype(['inspect', 'counts.yaml'], dir)).out), () => `pype inspect to show 25 lines read; it shows:\n${live.out}`, 60_000, 100);
    expect(live.code).toBe(0);
    expect(live.out).toMatch(/app tail_counts · running \(pid \d+/);
    expect(live.out).toMatch(/lines\s+file-tail\s+—\s+—\s+25\s/);
    expect(live.out).toMatch(/per_second\s+windowAggregate\s+lines\s+25\s+\d+/);
    expect(live.out).toMatch(/checkpoint \d+, taken/);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/taking a final checkpoint and stopping/);
    expect(first.output()).toMatch(/✓ stopped after .* checkpoint \d+ stored in .*\.pype-stream\/tail_counts/);
    expect(pype(['inspect', 'counts.yaml'], dir).out).toMatch(/app tail_counts · stopped/);

    appendFileSync(join(dir, 'in.jsonl'), events(25, 50));
    const second = start();
    onTestFinished(() => void second.child.kill('SIGKILL'));
    await until(() => rows().length >= 8, () => `8 rows (windows of 0–4 s, two keys) in out.jsonl; pype run's output:\n${second.output()}`, 60_000);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/restored from checkpoint \d+/);
    const got = rows();
    expect(got.map((r) => `${r.k}@${r.window_start}`)).toEqual(['even@0', 'odd@0', 'even@1000', 'odd@1000', 'even@2000', 'odd@2000', 'even@3000', 'odd@3000']);
    expect(got.every((r) => r.n === 5)).toBe(true);
  }, 180_000);
}, 120_000);
