// Redis goes away in the middle of a `--executor bullmq` run (a private redis-server, killed and
// started again without its data): the coordinator and the worker each say so once, without
// stack traces, say when it is back, and the run completes with a clean run's files. Redis
// that stays away longer than --redis-outage-limit stops the run (exit 75), and --resume
// finishes it once Redis is back.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerInstalled, startPrivateRedis, until, type PrivateRedis } from '@pypeline/test-services';
import { pype, readEvents, startPype, type PypeProcess } from './crash-harness.js';


const FILES = 6;
const FLOW = `flow:
  name: outage
context:
  default: { data_dir: data, out_dir: out }
modules:
  - { id: files, name: file_list, configs: { required: { directory: "{{context.data_dir}}" }, optional: { pattern: "*.csv", sort: name } } }
  - { id: read, name: csv_source, configs: { required: { file_path: "{{iter.item.path}}" } } }
  - { id: dump, name: json_sink, configs: { required: { output_path: "{{context.out_dir}}/{{iter.item.name}}.jsonl" } } }
connections:
  data:
    - "read.data - dump.input"
  control:
    - "files (iterate|) read"
`;

const STACK_LINE = /^\s+at .+[:(]\d+/m;

describe.skipIf(!redisServerInstalled())('a Redis outage during pype run --executor bullmq', () => {
  const root = mkdtempSync(join(tmpdir(), 'pype-outage-'));
  const data = join(root, 'data');
  let redis: PrivateRedis;
  let worker: PypeProcess | undefined;
  let expected: Record<string, string> = {};

  const run = (name: string, extra: string[] = []) => {
    const out = join(root, name);
    const args = ['run', join(root, 'jobs', 'outage'), '--executor', 'bullmq', '--redis', redis.url, '--set', `data_dir=${data}`, '--set', `out_dir=${out}`, '--events', join(root, `${name}.jsonl`), ...extra];
    return { out, events: join(root, `${name}.jsonl`), args };
  };
  const files = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const iterationsDone = (file: string) => readEvents(file).filter((e) => e.type === 'iteration.finished').length;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    mkdirSync(data);
    for (let f = 0; f < FILES; f++) writeFileSync(join(data, `part_${f}.csv`), `id,name\n${Array.from({ length: 2000 }, (_, i) => `${f * 2000 + i},n${i % 13}`).join('\n')}\n`);
    writeFileSync(join(root, 'flow.yaml'), FLOW);
    const built = await pype(['build', join(root, 'flow.yaml'), '--out', join(root, 'jobs')]);
    expect(built.code, built.output).toBe(0);
    worker = startPype(['worker', '--redis', redis.url, '--stall-timeout', '4000'], { timeoutMs: 600_000 });
    await until(() => worker!.output().includes('▶ worker'), () => `the worker to start:\n${worker!.output()}`, 60_000);
    const clean = run('clean');
    const ok = await pype(clean.args);
    expect(ok.code, ok.output).toBe(0);
    expected = files(clean.out);
    expect(Object.keys(expected)).toHaveLength(FILES);
  }, 180_000);

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await redis?.kill();
    rmSync(root, { recursive: true, force: true });
  });

  it('is reported once by the coordinator and the worker, and the run completes when Redis returns', async () => {
    const workerBefore = worker!.output().length;
    const r = run('outage');
    const coordinator = startPype(r.args, { timeoutMs: 240_000 });
    await until(() => iterationsDone(r.events) >= 1, () => `the first iteration to finish:\n${coordinator.output()}`, 120_000);
    await redis.kill();
    await until(() => /is unreachable/.test(coordinator.output()), () => `the coordinator to report the outage:\n${coordinator.output()}`, 30_000);
    await until(() => /is unreachable/.test(worker!.output().slice(workerBefore)), () => `the worker to report the outage:\n${worker!.output()}`, 30_000);
    // Both keep reconnecting for a while (the probe saw 64 stack traces per worker in ~90 s).
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await redis.start();
    const exit = await coordinator.exited;
    const workerOut = worker!.output().slice(workerBefore);
    expect(exit.code, exit.output).toBe(0);

    const where = `Redis at 127.0.0.1:${redis.port} is unreachable (ECONNREFUSED); waiting for it to return (Ctrl-C to stop; the run can be resumed)`;
    expect(exit.output.split(where).length - 1, exit.output).toBe(1);
    expect(exit.output).toMatch(new RegExp(`✓ Redis at 127\\.0\\.0\\.1:${redis.port} is back after`));
    expect(exit.output.match(/is back after/g), exit.output).toHaveLength(1);
    expect(exit.output).not.toMatch(STACK_LINE);
    expect(exit.output).not.toMatch(/ioredis|Unhandled error/i);
    await until(() => /is back after/.test(worker!.output().slice(workerBefore)), () => `the worker to see Redis back:\n${worker!.output()}`, 30_000);
    expect(workerOut.match(/is unreachable/g), workerOut).toHaveLength(1);
    expect(workerOut).not.toMatch(STACK_LINE);
    expect(workerOut).not.toMatch(/ioredis|Unhandled error/i);
    expect(files(r.out)).toEqual(expected);
  }, 300_000);

  it('stops the run with exit 75 when Redis stays away longer than --redis-outage-limit; --resume finishes it', async () => {
    const r = run('limit', ['--redis-outage-limit', '3s']);
    const coordinator = startPype(r.args, { timeoutMs: 240_000 });
    await until(() => iterationsDone(r.events) >= 1, () => `the first iteration to finish:\n${coordinator.output()}`, 120_000);
    await redis.kill();
    const exit = await coordinator.exited;
    expect(exit.code, exit.output).toBe(75);
    expect(exit.output).toMatch(new RegExp(`✗ Redis at 127\\.0\\.0\\.1:${redis.port} has been unreachable for [\\d.]+ s, longer than the 3\\.00 s a run waits for it \\(--redis-outage-limit 3s; raise it to wait longer\\); the run stopped`));
    expect(exit.output).toMatch(/resume with: pype run \S+ --executor bullmq --resume/);
    expect(exit.output).not.toMatch(STACK_LINE);

    await redis.start();
    const resumed = await pype(r.args.filter((a) => a !== '3s' && a !== '--redis-outage-limit').concat('--resume'));
    expect(resumed.code, resumed.output).toBe(0);
    expect(files(r.out)).toEqual(expected);
  }, 300_000);

  it('pype serve --executor bullmq: Redis away past --redis-outage-limit stops the server (exit 75) with its run left to resume, and the next start finishes it', async () => {
    const token = 'outage-serve-token-01';
    const auth = { authorization: `Bearer ${token}` };
    const serve = () => {
      const p = startPype(['serve', '--jobs', join(root, 'jobs'), '--port', '0', '--executor', 'bullmq', '--redis', redis.url, '--redis-outage-limit', '3s', '--db', join(root, 'serve-runs.db')],
        { env: { PYPE_SERVE_TOKEN: token }, timeoutMs: 240_000 });
      return p;
    };
    const address = async (p: PypeProcess) => {
      await until(() => /pype serve on (http:\/\/\S+)/.test(p.output()) || p.child.exitCode !== null, () => `pype serve to listen:\n${p.output()}`, 60_000);
      const base = /pype serve on (http:\/\/\S+)/.exec(p.output())?.[1];
      if (!base) throw new Error(`pype serve exited before listening:\n${p.output()}`);
      return base;
    };
    const out = join(root, 'served');
    const first = serve();
    const base = await address(first);
    const posted = await fetch(`${base}/jobs/outage/runs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ data_dir: data, out_dir: out }) });
    expect(posted.status).toBe(202);
    const id = ((await posted.json()) as { id: string }).id;
    const done = async (b: string) => ((await (await fetch(`${b}/runs/${id}`, { headers: auth })).json()) as { modules: Array<{ status: string }> }).modules.filter((m) => m.status === 'success').length;
    await until(async () => (await done(base)) >= 2, () => `the first iteration to finish:\n${first.output()}`, 120_000, 100);
    await redis.kill();
    const exit = await first.exited;
    expect(exit.code, exit.output).toBe(75);
    expect(exit.output).toMatch(new RegExp(`✗ Redis at 127\\.0\\.0\\.1:${redis.port} has been unreachable for [\\d.]+ s, longer than the 3\\.00 s`));
    expect(exit.output).toMatch(/running runs are stopped for the next start to resume/);
    expect(exit.output).toMatch(/1 unfinished run waits in the run store for the next start/);
    expect(exit.output).not.toMatch(STACK_LINE);

    await redis.start();
    const second = serve();
    const again = await address(second);
    await until(() => /1 interrupted/.test(second.output()), () => `the run to be taken up:\n${second.output()}`, 60_000);
    let status = '';
    await until(async () => {
      status = ((await (await fetch(`${again}/runs/${id}`, { headers: auth })).json()) as { status: string }).status;
      return status !== 'running' && status !== 'queued';
    }, () => `the run to end (last status ${status}):\n${second.output()}`, 180_000, 200);
    expect(status).toBe('success');
    expect(files(out)).toEqual(expected);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 400_000);
});
