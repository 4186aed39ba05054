// crash-resume.test.ts under `--executor bullmq`: the same job (CSV → Parquet, then an ITERATE
// whose frames append to PostgreSQL and write JSON Lines) runs on two `pype worker` processes
// and a private redis-server, while, at seeded random moments, a worker is SIGKILLed (and a new
// one started) and Redis is SIGKILLed and started again on the same port without its data;
// in some trials the coordinator is SIGKILLed too and resumed. The coordinator must survive
// everything but its own kill (exit 0, no --resume needed), and the files and table must equal
// a clean run's: no row twice, none missing. Replay a failure with PYPE_CRASH_SEED=<seed>.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithService, redisServerInstalled, startPrivateRedis, until, type PrivateRedis } from '@pypeline/test-services';
import { CRASH_FILES, CrashFixture, crashSeed, FILES, random, readEvents, ROWS, startPype, type PypeProcess } from './crash-harness.js';


const TRIALS = 4;
const WORKERS = 2;
const SEED = crashSeed();

interface Chaos {
  atMs: number;
  kind: 'worker' | 'redis' | 'coordinator';
  /** redis: how long it stays down. */
  downMs: number;
}

describe.skipIf(!redisServerInstalled())('with a private redis-server', () => describeWithService('postgres', 'bullmq: workers and Redis killed mid-run, then --resume: files and table equal a clean run\'s', () => {
  const fx = new CrashFixture('pype-dcrash');
  let redis: PrivateRedis;
  const workers: PypeProcess[] = [];
  const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);

  const startWorker = () => {
    const w = startPype(['worker', '--redis', redis.url, '--stall-timeout', '3000'], { timeoutMs: 900_000 });
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    console.log(`distributed crash test seed ${SEED} (replay with PYPE_CRASH_SEED=${SEED})`);
    redis = await startPrivateRedis();
    await fx.setup();
    for (let i = 0; i < WORKERS; i++) startWorker();
    await until(() => workers.every((w) => w.output().includes('▶ worker')), () => `the workers to start:\n${workers.map((w) => w.output()).join('\n')}`, 90_000);
  }, 180_000);
  afterAll(async () => {
    for (const w of alive()) w.child.kill('SIGKILL');
    await redis?.kill();
    await fx.teardown();
  });

  const trial = () => fx.trial(['--executor', 'bullmq', '--redis', redis.url]);

  /**
   * Does `chaos` to the first attempt while it runs (each step only while it is still running),
   * timed from the run's start: Redis down before the coordinator connects is a different case
   * (a clear "cannot reach Redis" at once, see redis-outage.test.ts), not an outage mid-run.
   */
  async function unleash(coordinator: PypeProcess, events: string, chaos: Chaos[], log: string[], rnd: () => number): Promise<void> {
    let running = true;
    void coordinator.exited.then(() => (running = false));
    await until(() => !running || readEvents(events).some((e) => e.type === 'run.started'), () => `the run to start; its output:\n${coordinator.output()}`, 120_000);
    const t0 = Date.now();
    for (const step of chaos) {
      await Promise.race([new Promise((r) => setTimeout(r, Math.max(0, t0 + step.atMs - Date.now()))), coordinator.exited]);
      if (!running) return;
      if (step.kind === 'coordinator') {
        coordinator.child.kill('SIGKILL');
        log.push(`  chaos at ${Date.now() - t0} ms: SIGKILLed the coordinator`);
        return;
      } else if (step.kind === 'worker') {
        const candidates = alive();
        const victim = candidates[Math.floor(rnd() * candidates.length)];
        if (!victim) continue;
        const exited = victim.exited;
        victim.child.kill('SIGKILL');
        await exited;
        startWorker();
        log.push(`  chaos at ${Date.now() - t0} ms: SIGKILLed worker ${victim.child.pid}, started another`);
      } else {
        await redis.kill();
        log.push(`  chaos at ${Date.now() - t0} ms: SIGKILLed Redis for ${step.downMs} ms`);
        await Promise.race([new Promise((r) => setTimeout(r, step.downMs)), coordinator.exited]);
        await redis.start();
      }
    }
  }

  /** A trial: the first run under `chaos`, then `--resume` until it succeeds. */
  async function runTrial(chaos: Chaos[], rnd: () => number): Promise<{ out: string; table: string; log: string[] }> {
    const t = trial();
    const log: string[] = [`trial ${t.n} (seed ${SEED}): ${JSON.stringify(chaos)}`];
    for (let attempt = 1; ; attempt++) {
      if (attempt > 4) throw new Error(`trial ${t.n} did not complete in 4 attempts:\n${log.join('\n')}`);
      // Redis may have been left down by a run that ended while it was.
      await redis.start();
      const coordinator = startPype(t.args(attempt, attempt > 1), { timeoutMs: 240_000 });
      if (attempt === 1) await unleash(coordinator, join(t.dir, `events-${attempt}.jsonl`), chaos, log, rnd);
      const r = await coordinator.exited;
      log.push(`attempt ${attempt}${attempt > 1 ? ' (--resume)' : ''}: exit ${r.code ?? r.signal} after ${r.ms} ms\n${r.output}`);
      if (r.code === 0) break;
      // Only the chaos may end a run: Redis restarts and worker kills must not fail it.
      const killed = attempt === 1 && chaos.some((c) => c.kind === 'coordinator') && r.signal === 'SIGKILL';
      expect(killed, `trial ${t.n}: attempt ${attempt} failed by itself:\n${log.join('\n')}\n${workers.map((w, i) => `worker ${i} (pid ${w.child.pid}${alive().includes(w) ? '' : ', gone'}):\n${w.output()}`).join('\n')}`).toBe(true);
      const finished = readEvents(join(t.dir, `events-${attempt}.jsonl`)).some((e) => e.type === 'run.finished' && e.status === 'success');
      if (finished) break;
    }
    return { out: t.out, table: t.table, log };
  }

  const outcome = (run: { out: string; table: string }) => fx.outcome(run);

  it(`at ${TRIALS} trials of random worker kills and Redis restarts`, async () => {
    const rnd = random(SEED);
    const clean = await runTrial([], rnd);
    expect(clean.log).toHaveLength(2);
    const expected = await outcome(clean);
    expect(expected.rows).toHaveLength(FILES * ROWS);
    expect(Object.keys(expected.files)).toEqual(CRASH_FILES);
    const cleanMs = Number(/after (\d+) ms/.exec(clean.log[1])![1]);

    for (let i = 0; i < TRIALS; i++) {
      // Each trial kills a worker and restarts Redis at least once, in a random order.
      const kinds: Chaos['kind'][] = ['worker', 'redis', (['worker', 'redis', 'coordinator'] as const)[Math.floor(rnd() * 3)]!];
      const chaos = kinds.map((kind) => ({ kind, atMs: Math.round(rnd() * cleanMs * 0.8), downMs: Math.round(500 + rnd() * 2500) })).sort((a, b) => a.atMs - b.atMs);
      const run = await runTrial(chaos, rnd);
      const got = await outcome(run);
      const what = `chaos ${JSON.stringify(chaos)} (seed ${SEED})`;
      expect(got.rows.length, `${what}: ${got.rows.length} rows in the table, ${FILES * ROWS} expected\n${run.log.join('\n')}`).toBe(FILES * ROWS);
      expect(got.rows, what).toEqual(expected.rows);
      expect(got.files, what).toEqual(expected.files);
      console.log(run.log.filter((l) => l.startsWith('  chaos') || /^attempt \d/.test(l)).map((l) => l.split('\n')[0]).join('\n'));
    }
  }, 600_000);
}, 600_000));
