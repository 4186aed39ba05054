import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { buildFlow } from '@pypeline/core';
import { removeQueues } from '@pypeline/executor-bullmq';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { installFakeModule } from './fake-modules.js';

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const FILE_LIST = fileURLToPath(new URL('../../../../modules/file-list', import.meta.url));
const { host, port } = serviceAddress('redis');
const REDIS = `redis://${host}:${port}`;

describeWithService('redis', 'pype worker, pype run --executor bullmq, pype dlq', () => {
  const queue = uniqueName('pype_test_cli');
  const env = { ...process.env, FORCE_COLOR: '0', PYPE_QUEUE: queue };
  const workers: ReturnType<typeof spawn>[] = [];
  // The timeout ends a hung child: spawnSync blocks this process, so vitest's timeout could not.
  const pype = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await removeQueues(REDIS, queue);
  });

  it('runs a flow on two worker processes, and dead-letters a task a worker cannot run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pype-cli-dist-'));
    installFakeModule(root, { package: '@pypeline/mod-say', version: '1.0.0', name: 'say', properties: { text: { type: 'string' } }, required: ['text'] });
    const gone = installFakeModule(root, { package: '@pypeline/mod-gone', version: '1.0.0', name: 'gone', properties: { text: { type: 'string' } }, required: ['text'] });
    const say = (id: string, text: string, name = 'say') => `  - id: ${id}\n    name: ${name}\n    configs:\n      required:\n        text: "${text}"\n`;
    writeFileSync(join(root, 'fan.yaml'), `flow:\n  name: fan\nmodules:\n${say('a', 'hello')}${say('b', '{{a__said}} from b')}${say('c', '{{a__said}} from c')}connections:\n  control:\n    - "a (1|) b"\n    - "a (1|) c"\n`);
    writeFileSync(join(root, 'lost.yaml'), `flow:\n  name: lost\nmodules:\n${say('x', 'never', 'gone')}`);
    // The same flow saying so itself: execution_mode: distributed, its queue and Redis in settings.
    writeFileSync(join(root, 'fan_dist.yaml'), `flow:\n  name: fan_dist\nsettings:\n  execution_mode: distributed\n  distributed: { redis: "${REDIS}", queue: ${queue} }\nmodules:\n${say('a', 'hello')}${say('b', '{{a__said}} from b')}connections:\n  control:\n    - "a (1|) b"\n`);
    // Parallel iterations on workers: file_list over 4 files, then `nap` per file, 4 at once; each
    // nap holds its worker slot for 4 s and writes which process ran it.
    mkdirSync(join(root, 'node_modules', '@pypeline'), { recursive: true });
    symlinkSync(FILE_LIST, join(root, 'node_modules', '@pypeline', 'mod-file-list'));
    installFakeModule(root, {
      package: '@pypeline/mod-nap', version: '1.0.0', name: 'nap', properties: { item: { type: 'string' }, out: { type: 'string' } }, required: ['item', 'out'],
      run: "await new Promise((r) => setTimeout(r, 4000)); (await import('node:fs')).writeFileSync(ctx.config.out + '/' + ctx.config.item + '.pid', String(process.pid));",
    });
    for (const dir of ['items', 'naps']) mkdirSync(join(root, dir));
    for (let i = 0; i < 4; i++) writeFileSync(join(root, 'items', `item${i}.txt`), `${i}\n`);
    writeFileSync(join(root, 'naps.yaml'), `flow:\n  name: naps\nmodules:\n  - { id: files, name: file_list, configs: { required: { directory: "${join(root, 'items')}" } } }\n  - { id: nap, name: nap, configs: { required: { item: "{{iter.item.name}}", out: "${join(root, 'naps')}" } } }\nconnections:\n  control:\n    - "files (iterate parallel 4|) nap"\n`);
    for (const f of ['fan.yaml', 'lost.yaml', 'fan_dist.yaml', 'naps.yaml']) buildFlow(join(root, f), { searchDirs: [root], outDir: join(root, 'jobs') });
    rmSync(gone, { recursive: true });

    const outputs = ['', ''];
    const ready = [0, 1].map((i) => new Promise<void>((resolve, reject) => {
      const w = spawn(process.execPath, [BIN, 'worker', '--redis', REDIS, '--concurrency', '2'], { cwd: root, env });
      workers.push(w);
      w.stdout!.on('data', (d) => {
        outputs[i] += d;
        if (outputs[i].includes('▶ worker')) resolve();
      });
      w.stderr!.on('data', (d) => (outputs[i] += d));
      w.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${outputs[i]}`)));
    }));
    await Promise.all(ready);
    expect(outputs[0]).toMatch(new RegExp(`on queue ${queue} at ${REDIS.replace(/\./g, '\\.')} \\(concurrency 2`));

    const ok = pype(['run', 'jobs/fan', '--executor', 'bullmq', '--redis', REDIS], root);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/✓ c#0 .*\n|✓ b#0/);
    expect(ok.stdout).toMatch(/✓ fan succeeded/);
    // spawnSync blocked this process: let the workers' buffered output arrive before reading it.
    const finished = () => outputs.join('').match(/^✓ fan\/subflow_\d#0/gm) ?? [];
    await until(() => finished().length >= 3, () => `the workers to report 3 finished sub flows; their output:\n${outputs.join('\n')}`);
    expect(finished()).toHaveLength(3);

    // No flag, and an environment pointing elsewhere: the flow's settings.distributed choose the queue.
    const byFlow = spawnSync(process.execPath, [BIN, 'run', 'jobs/fan_dist'], { cwd: root, encoding: 'utf8', env: { ...env, PYPE_QUEUE: uniqueName('nobody_listens'), PYPE_REDIS_URL: 'redis://127.0.0.1:1' }, timeout: 120_000 });
    expect(byFlow.stderr).toBe('');
    expect(byFlow.status).toBe(0);
    await until(() => (outputs.join('').match(/^✓ fan_dist\/subflow_\d#0/gm) ?? []).length >= 2, () => `the workers to run fan_dist's 2 sub flows; their output:\n${outputs.join('\n')}`);

    // 4 iterations of 4 s at once on 2 workers taking 2 tasks each: both workers run some.
    const naps = pype(['run', 'jobs/naps', '--executor', 'bullmq', '--redis', REDIS], root);
    expect(naps.stderr).toBe('');
    expect(naps.status).toBe(0);
    const pids = readdirSync(join(root, 'naps')).map((f) => readFileSync(join(root, 'naps', f), 'utf8'));
    expect(pids).toHaveLength(4);
    expect(new Set(pids)).toEqual(new Set(workers.map((w) => String(w.pid))));

    // `pype serve` without --executor runs a flow that says execution_mode: distributed on its queue.
    const serve = spawn(process.execPath, [BIN, 'serve', '--jobs', 'jobs', '--port', '0', '--no-auth', '--project', root], {
      cwd: root, env: { ...env, PYPE_QUEUE: uniqueName('nobody_listens'), PYPE_REDIS_URL: 'redis://127.0.0.1:1' },
    });
    let served = '';
    serve.stdout!.on('data', (d) => (served += d));
    serve.stderr!.on('data', (d) => (served += d));
    await until(() => /▶ pype serve on http:\/\/\S+/.test(served), () => `pype serve to listen; its output:\n${served}`, 60_000);
    const base = /▶ pype serve on (http:\/\/\S+)/.exec(served)![1];
    const posted = await fetch(`${base}/jobs/fan_dist/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(posted.status).toBe(202);
    const { id } = (await posted.json()) as { id: string };
    const status = async () => ((await (await fetch(`${base}/runs/${id}`)).json()) as { status: string; errors: unknown[] });
    let ended = await status();
    await until(async () => ['success', 'failed', 'cancelled'].includes((ended = await status()).status), () => `the served run ${id} to end; server output:\n${served}`, 120_000, 200);
    expect(ended).toMatchObject({ status: 'success', errors: [] });
    await until(() => (outputs.join('').match(/^✓ fan_dist\/subflow_\d#0/gm) ?? []).length >= 4, () => `the workers to run the served fan_dist's 2 sub flows; their output:\n${outputs.join('\n')}`, 60_000);
    const serveExit = new Promise((r) => serve.once('exit', r));
    serve.kill('SIGTERM');
    expect(await serveExit).toBe(0);

    const refused = pype(['run', 'jobs/lost', '--executor', 'bullmq', '--redis', REDIS], root);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/could not run on a worker: worker \S+ refused the task: cannot load the job's modules:\n\s+- x: package @pypeline\/mod-gone@1\.0\.0 is not installed/);
    expect(refused.stderr).toMatch(/fix: install the pinned packages/);

    const listed = pype(['dlq', 'list', '--redis', REDIS], root);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/✗ \S+\.subflow_1\.0\n\s+lost\/subflow_1#0 of run/);
    expect(listed.stdout).toMatch(/attempt 1 on \S+: failed/);
    expect(listed.stdout).toMatch(/1 dead letter;/);
    const dropped = pype(['dlq', 'drop', '--all', '--redis', REDIS], root);
    expect(dropped.stdout).toMatch(/✓ dropped \S+\.subflow_1\.0/);

    const stopped = workers.map((w) => new Promise((r) => w.removeAllListeners('exit').once('exit', r)));
    for (const w of workers) w.kill('SIGTERM');
    expect(await Promise.all(stopped)).toEqual([0, 0]);
    expect(outputs.join('')).toMatch(/✓ worker stopped/);
  });
}, 300_000);
