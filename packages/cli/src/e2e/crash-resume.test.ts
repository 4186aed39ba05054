// DESIGN.md's "a sink's commit is also its record", end to end: a job (CSV → Parquet, then an
// ITERATE over a folder of CSV files, each loaded into PostgreSQL in append mode and written as
// JSON Lines) is SIGKILLed at every checkpoint boundary, right after every sink's commit, after it
// finished, and at random moments, then resumed until it completes. Its files must equal a clean
// run's and its table must hold the clean run's rows: none twice, none missing.
// The random moments come from a seeded generator; replay a failure with PYPE_CRASH_SEED=<seed>.
// The same attack runs on the job with its ITERATE made parallel (`(iterate parallel 3|)`): loads of
// several files are in flight at each kill, and the resume must re-run only the unfinished frames.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithService } from '@pypeline/test-services';
import { CRASH_FILES, CRASH_FLOW, CrashFixture, crashSeed, FILES, pype, random, readEvents, ROWS } from './crash-harness.js';

const SEED = crashSeed();

// A --plugin that SIGKILLs its own process at one named point: `before <node>`, `after <node>`
// (a sink's afterModule runs right after its commit) or `complete` (after the run finished).
const KILL_PLUGIN = `const at = process.env.CRASH_KILL_AT;
const kill = (point) => { if (point === at) process.kill(process.pid, 'SIGKILL'); };
export default {
  beforeModule: (m) => kill('before ' + m.nodeId),
  afterModule: (m) => kill('after ' + m.nodeId),
  onComplete: () => kill('complete'),
};
`;

const PARALLEL_FLOW = CRASH_FLOW.replace('"files (iterate|) read"', '"files (iterate parallel 3|) read"');
if (PARALLEL_FLOW === CRASH_FLOW) throw new Error('the parallel variant did not change the flow');

crashSuite('SIGKILL anywhere, then --resume: files and table equal a clean run\'s', 'pype-crash', CRASH_FLOW, 20);
crashSuite('parallel ITERATE (3 at once): SIGKILL anywhere, then --resume: files and table equal a clean run\'s', 'pype-crash-par', PARALLEL_FLOW, 4);

function crashSuite(title: string, prefix: string, flow: string, randomKills: number): void {
  describeWithService('postgres', title, () => {
    const fx = new CrashFixture(prefix, flow);
    const plugin = join(fx.root, 'kill-plugin.mjs');

    beforeAll(async () => {
      console.log(`crash test seed ${SEED} (replay with PYPE_CRASH_SEED=${SEED})`);
      writeFileSync(plugin, KILL_PLUGIN);
      await fx.setup();
    }, 120_000);
    afterAll(() => fx.teardown());

    /** A trial of its own: a copy of the built job, an output folder and a table. */
    const trial = () => fx.trial(['--plugin', plugin]);

    /**
     * Runs a trial: the first run killed as `kill` says, then `--resume` until it succeeds. A killed
     * process whose events end with a successful run.finished had finished: it needs no resume.
     */
    async function runTrial(kill: { at?: string; afterMs?: number; resumeAfterMs?: number }): Promise<{ out: string; table: string; log: string[] }> {
      const t = trial();
      const log: string[] = [];
      let attempt = 0;
      for (;;) {
        attempt++;
        if (attempt > 4) throw new Error(`trial ${t.n} did not complete in 4 attempts:\n${log.join('\n')}`);
        const first = attempt === 1;
        const killAfterMs = first ? kill.afterMs : attempt === 2 ? kill.resumeAfterMs : undefined;
        const r = await pype(t.args(attempt, !first), { env: first && kill.at ? { CRASH_KILL_AT: kill.at } : {}, killAfterMs });
        log.push(`attempt ${attempt}${first ? '' : ' (--resume)'}: exit ${r.code ?? r.signal} after ${r.ms} ms\n${r.output}`);
        if (first && kill.at) expect(r.signal, `trial ${t.n}: the run never reached "${kill.at}"\n${r.output}`).toBe('SIGKILL');
        if (r.code === 0) break;
        expect(r.signal, `trial ${t.n} (seed ${SEED}), attempt ${attempt} failed:\n${log.join('\n')}`).toBe('SIGKILL');
        const finished = readEvents(join(t.dir, `events-${attempt}.jsonl`)).some((e) => e.type === 'run.finished' && e.status === 'success');
        if (finished) break;
      }
      return { out: t.out, table: t.table, log };
    }

    const outcome = (run: { out: string; table: string }) => fx.outcome(run);

    it(`at every checkpoint boundary, after every sink commit, after the end and at ${randomKills} random moments`, async () => {
      const clean = await runTrial({});
      expect(clean.log).toHaveLength(1);
      const expected = await outcome(clean);
      expect(expected.rows).toHaveLength(FILES * ROWS);
      expect(Object.keys(expected.files)).toEqual(CRASH_FILES);
      const cleanMs = Number(/after (\d+) ms/.exec(clean.log[0])![1]);

      // Checkpoint boundaries: before the first module of every sub flow (and every loop frame).
      const nodes = ['first#0', 'files#0', ...Array.from({ length: FILES }, (_, i) => `read#${i}`)];
      const sinks = ['to_parquet#0', ...Array.from({ length: FILES }, (_, i) => [`load#${i}`, `dump#${i}`]).flat()];
      const points = [...nodes.map((n) => `before ${n}`), ...sinks.map((n) => `after ${n}`), 'complete'];
      const rnd = random(SEED);
      const moments = Array.from({ length: randomKills }, () => ({
        afterMs: Math.round(rnd() * cleanMs),
        // Every other trial kills its first resume too, so a resumed run is resumed again.
        resumeAfterMs: rnd() < 0.5 ? Math.round(rnd() * cleanMs) : undefined,
      }));
      const cases = [...points.map((at) => ({ at })), ...moments];
      for (const kill of cases) {
        const run = await runTrial(kill);
        const got = await outcome(run);
        const what = `kill ${JSON.stringify(kill)} (seed ${SEED})`;
        expect(got.rows.length, `${what}: ${got.rows.length} rows in the table, ${FILES * ROWS} expected\n${run.log.join('\n')}`).toBe(FILES * ROWS);
        expect(got.rows, what).toEqual(expected.rows);
        expect(got.files, what).toEqual(expected.files);
        // A kill between a load's commit and the checkpoint: the resumed run found the load's record.
        if ('at' in kill && kill.at.startsWith('after load#')) expect(run.log.join('\n'), what).toMatch(/already loaded: the interrupted run \S+ committed this load/);
      }
    }, 1_800_000);
  });
}
